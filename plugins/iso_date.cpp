// ISO date parsing, month arithmetic and financial years, with std::chrono calendar types.
#include "plugins/iso_date.hpp"

#include <cstdio>

namespace dps::plugins {

namespace {

bool read_digits(std::string_view text, std::size_t from, std::size_t count, int& out)
{
    out = 0;
    for (std::size_t i = from; i < from + count; ++i) {
        const char c = text[i];
        if (c < '0' || c > '9')
            return false;
        out = out * 10 + (c - '0');
    }
    return true;
}

} // namespace

std::optional<std::chrono::year_month_day> parse_iso_date(std::string_view text)
{
    if (text.size() != 10 || text[4] != '-' || text[7] != '-')
        return std::nullopt;
    int y = 0, m = 0, d = 0;
    if (!read_digits(text, 0, 4, y) || !read_digits(text, 5, 2, m) || !read_digits(text, 8, 2, d))
        return std::nullopt;
    const std::chrono::year_month_day date{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
                                           std::chrono::day{static_cast<unsigned>(d)}};
    if (!date.ok() || y < 1)
        return std::nullopt;
    return date;
}

std::optional<std::chrono::year_month_day> parse_service_date(std::string_view text)
{
    auto date = parse_iso_date(text);
    if (!date || static_cast<int>(date->year()) < kEarliestYear || static_cast<int>(date->year()) > kLatestYear) return std::nullopt;
    return date;
}

const char* service_date_rule() { return "must be a date, YYYY-MM-DD, from 1990-01-01 to 2100-12-31"; }

std::string format_iso_date(std::chrono::year_month_day date)
{
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
    return buffer;
}

std::optional<std::string> add_months(std::string_view iso_date, int months)
{
    const auto date = parse_iso_date(iso_date);
    if (!date)
        return std::nullopt;
    // Work in a month count so negative periods and year wrap need no special cases.
    const long long index = static_cast<long long>(static_cast<int>(date->year())) * 12 +
                            (static_cast<unsigned>(date->month()) - 1) + months;
    const long long year = index >= 0 ? index / 12 : (index - 11) / 12;
    const long long month0 = index - year * 12;
    if (year < 1 || year > 9999)
        return std::nullopt;
    const std::chrono::year_month ym{std::chrono::year{static_cast<int>(year)},
                                     std::chrono::month{static_cast<unsigned>(month0 + 1)}};
    const auto last = std::chrono::year_month_day_last{ym.year(), std::chrono::month_day_last{ym.month()}}.day();
    const auto day = date->day() > last ? last : date->day();
    return format_iso_date(std::chrono::year_month_day{ym.year(), ym.month(), day});
}

std::optional<std::string> termination_effective_date(std::string_view notice_date, int notice_months)
{
    if (notice_months < 0)
        return std::nullopt;
    return add_months(notice_date, notice_months);
}

std::optional<std::string> financial_year(std::string_view iso_date)
{
    const auto date = parse_iso_date(iso_date);
    if (!date)
        return std::nullopt;
    const int y = static_cast<int>(date->year());
    const int start = static_cast<unsigned>(date->month()) >= 4 ? y : y - 1;
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%04d/%02d", start, (start + 1) % 100);
    return std::string(buffer);
}

} // namespace dps::plugins
