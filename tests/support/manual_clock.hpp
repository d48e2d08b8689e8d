// A clock tests can set: stories that happen on dates in the past (notice given on 1 March 2025).
#pragma once

#include "core/clock.hpp"

#include <atomic>

namespace dps::test {

class manual_clock final : public clock {
public:
    explicit manual_clock(timestamp start) : now_(start.time_since_epoch().count()) {}
    timestamp now() const override { return timestamp{std::chrono::milliseconds{now_.load()}}; }
    void set(timestamp t) { now_ = t.time_since_epoch().count(); }
    // Midday UTC on a date, so the London date is the same.
    void set_date(std::chrono::year_month_day d) { set(std::chrono::sys_days{d} + std::chrono::hours{12}); }

private:
    std::atomic<long long> now_;
};

} // namespace dps::test
