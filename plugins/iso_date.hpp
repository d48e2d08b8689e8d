// ISO "YYYY-MM-DD" date helpers shared by the platform (notice dates) and the Lua dps library.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace dps::plugins {

// Parses a strict ISO date; nullopt if malformed or not a real calendar day.
std::optional<std::chrono::year_month_day> parse_iso_date(std::string_view text);
std::string format_iso_date(std::chrono::year_month_day date);

// The dates the platform accepts as input: 1990-01-01 to 2100-12-31. Wider than any care term or
// imported history, and narrow enough that a term's months, days and pence never leave the
// calendar or int64 (issue 15: an agreement ending in 9999 crashed dpsd).
inline constexpr int kEarliestYear = 1990, kLatestYear = 2100;
std::optional<std::chrono::year_month_day> parse_service_date(std::string_view text);
// The message for a date outside that range or malformed: "must be a date, YYYY-MM-DD, from … to …".
const char* service_date_rule();

// Adds (or with a negative n subtracts) whole months, clamping to the month's last day:
// add_months("2024-08-31", 6) == "2025-02-28". nullopt for a bad date or a year outside 1..9999.
std::optional<std::string> add_months(std::string_view iso_date, int months);

// The date a termination takes effect: notice given on `notice_date` plus the notice period.
std::optional<std::string> termination_effective_date(std::string_view notice_date, int notice_months);

// UK financial year (April to March): "2024-04-01" -> "2024/25", "2025-03-31" -> "2024/25".
std::optional<std::string> financial_year(std::string_view iso_date);

} // namespace dps::plugins
