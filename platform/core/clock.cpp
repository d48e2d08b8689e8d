// The system clock and the one timestamp format.
#include "core/clock.hpp"

#include <cstdio>

namespace dps {

timestamp system_clock_now()
{
    return std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

timestamp system_clock::now() const { return system_clock_now(); }

std::string format_timestamp(timestamp t)
{
    using namespace std::chrono;
    const auto day = floor<days>(t);
    const year_month_day ymd{day};
    const hh_mm_ss<milliseconds> time{t - day};
    // Digits by hand: this runs for every log line and every stored timestamp.
    std::string out = "0000-00-00T00:00:00.000Z";
    auto put = [&](std::size_t at, long long value, int width) {
        for (int i = width - 1; i >= 0; --i, value /= 10) out[at + static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
    };
    put(0, static_cast<int>(ymd.year()), 4);
    put(5, static_cast<unsigned>(ymd.month()), 2);
    put(8, static_cast<unsigned>(ymd.day()), 2);
    put(11, time.hours().count(), 2);
    put(14, time.minutes().count(), 2);
    put(17, time.seconds().count(), 2);
    put(20, time.subseconds().count(), 3);
    return out;
}

std::optional<timestamp> parse_timestamp(std::string_view text)
{
    using namespace std::chrono;
    constexpr std::string_view shape = "0000-00-00T00:00:00.000Z";
    if (text.size() != shape.size()) return std::nullopt;
    for (std::size_t i = 0; i < shape.size(); ++i) {
        const bool digit = text[i] >= '0' && text[i] <= '9';
        if (shape[i] == '0' ? !digit : text[i] != shape[i]) return std::nullopt;
    }
    auto num = [&](std::size_t at, int width) {
        int v = 0;
        for (int i = 0; i < width; ++i) v = v * 10 + (text[at + static_cast<std::size_t>(i)] - '0');
        return v;
    };
    const year_month_day ymd{year{num(0, 4)}, month{static_cast<unsigned>(num(5, 2))}, day{static_cast<unsigned>(num(8, 2))}};
    const int h = num(11, 2), m = num(14, 2), s = num(17, 2);
    if (!ymd.ok() || h > 23 || m > 59 || s > 59) return std::nullopt;
    return timestamp{sys_days{ymd}} + hours{h} + minutes{m} + seconds{s} + milliseconds{num(20, 3)};
}

namespace {

std::chrono::sys_seconds last_sunday_0100_utc(std::chrono::year y, std::chrono::month m)
{
    using namespace std::chrono;
    const sys_days last{year_month_day_last{y, month_day_last{m}}};
    const sys_days sunday = last - (weekday{last} - Sunday);
    return sunday + hours{1};
}

} // namespace

std::string london_date(timestamp t)
{
    using namespace std::chrono;
    const year y = year_month_day{floor<days>(t)}.year();
    const bool summer = t >= last_sunday_0100_utc(y, March) && t < last_sunday_0100_utc(y, October);
    const year_month_day local{floor<days>(t + hours{summer ? 1 : 0})};
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", static_cast<int>(local.year()), static_cast<unsigned>(local.month()),
                  static_cast<unsigned>(local.day()));
    return buffer;
}

timestamp london_midnight(std::chrono::year_month_day day)
{
    using namespace std::chrono;
    // Midnight in London is 23:00 UTC the day before in summer time, else midnight UTC. The
    // clocks change at 01:00 UTC, so the hour before the UTC midnight decides.
    const sys_seconds utc_midnight{sys_days{day}};
    const sys_seconds hour_before = utc_midnight - hours{1};
    const year y = year_month_day{floor<days>(hour_before)}.year();
    const bool summer = hour_before >= last_sunday_0100_utc(y, March) && hour_before < last_sunday_0100_utc(y, October);
    return time_point_cast<milliseconds>(summer ? hour_before : utc_midnight);
}

financial_year_bounds financial_year(int starting_year)
{
    using namespace std::chrono;
    const year_month_day first{year{starting_year}, April, day{1}}, next{year{starting_year + 1}, April, day{1}};
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%04d-04-01", starting_year);
    std::string from_date = buffer;
    std::snprintf(buffer, sizeof buffer, "%04d-03-31", starting_year + 1);
    return {london_midnight(first), london_midnight(next), from_date, buffer};
}

} // namespace dps
