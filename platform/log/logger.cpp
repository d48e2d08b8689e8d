// The one writer of log lines: timestamps them in UTC and serialises with Boost.JSON.
#include "log/logger.hpp"

#include "core/clock.hpp"

#include <boost/json/serialize.hpp>

#include <atomic>
#include <unistd.h>
#include <functional>
#include <mutex>

namespace dps::log {
namespace {

std::mutex mutex_;
std::function<void(std::string_view)> sink_;
std::atomic<bool> has_sink_{false};
level minimum_ = level::info;

const char* name(level lvl)
{
    switch (lvl) {
    case level::debug: return "debug";
    case level::info: return "info";
    case level::warn: return "warn";
    case level::error: return "error";
    }
    return "info";
}

} // namespace

void write(level lvl, std::string_view event, boost::json::object fields)
{
    if (lvl < minimum_) return;
    boost::json::object line;
    line["ts"] = format_timestamp(system_clock_now());
    line["level"] = name(lvl);
    line["event"] = event;
    for (auto& kv : fields) line[kv.key()] = std::move(kv.value());
    std::string text = boost::json::serialize(line);
    if (has_sink_.load(std::memory_order_acquire)) {
        std::lock_guard lock(mutex_);
        if (sink_) return sink_(text);
    }
    // One write(2) a line, no lock: Linux keeps a single write whole, so lines from threads never interleave.
    text.push_back('\n');
    for (std::size_t done = 0; done < text.size();) {
        const auto n = ::write(STDERR_FILENO, text.data() + done, text.size() - done);
        if (n <= 0) break; // nowhere to report a failing log; drop the line rather than block
        done += static_cast<std::size_t>(n);
    }
}

void set_sink(std::function<void(std::string_view)> sink)
{
    std::lock_guard lock(mutex_);
    sink_ = std::move(sink);
    has_sink_.store(static_cast<bool>(sink_), std::memory_order_release);
}

void set_minimum(level lvl) { minimum_ = lvl; }

} // namespace dps::log
