// Time for the platform: an injectable clock, and ISO 8601 UTC timestamps as stored and logged.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace dps {

using timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

// Services take a clock so that tests can fix "now".
class clock {
public:
    virtual ~clock() = default;
    virtual timestamp now() const = 0;
};

class system_clock final : public clock {
public:
    timestamp now() const override;
};

timestamp system_clock_now();

// "2026-11-25T13:39:42.123Z": fixed width, so text order is time order in both databases.
std::string format_timestamp(timestamp t);
// The inverse, for exactly that format ("2024-03-01T12:00:00.000Z"); nullopt for anything else.
std::optional<timestamp> parse_timestamp(std::string_view text);

// The calendar date in Europe/London at t, as "YYYY-MM-DD": the date a council officer would write.
// UK civil time is GMT, or BST (GMT+1) from 01:00 UTC on the last Sunday of March to 01:00 UTC on
// the last Sunday of October (Summer Time Order 2002). libstdc++ 12 has no time-zone database.
std::string london_date(timestamp t);

// The instant a day begins in Europe/London.
timestamp london_midnight(std::chrono::year_month_day day);

// A UK public-sector financial year, April to March, named by the year it starts in (2025: from
// 1 April 2025 to 31 March 2026, London time): its bounds as instants [from, to) and as dates.
struct financial_year_bounds {
    timestamp from, to;
    std::string first_day, last_day;
};
financial_year_bounds financial_year(int starting_year);

} // namespace dps
