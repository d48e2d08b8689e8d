// Time for the platform: an injectable clock, and ISO 8601 UTC timestamps as stored and logged.
#pragma once

#include <chrono>
#include <string>

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

} // namespace dps
