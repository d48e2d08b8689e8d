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
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                  static_cast<int>(time.seconds().count()), static_cast<int>(time.subseconds().count()));
    return buffer;
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

} // namespace dps
