// The one writer of log lines: timestamps them in UTC and serialises with Boost.JSON.
#include "log/logger.hpp"

#include "core/clock.hpp"

#include <boost/json/serialize.hpp>

#include <cstdio>
#include <functional>
#include <mutex>

namespace dps::log {
namespace {

std::mutex mutex_;
std::function<void(std::string_view)> sink_;
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
    std::lock_guard lock(mutex_);
    if (sink_) {
        sink_(text);
    } else {
        text.push_back('\n');
        std::fwrite(text.data(), 1, text.size(), stderr);
    }
}

void set_sink(std::function<void(std::string_view)> sink)
{
    std::lock_guard lock(mutex_);
    sink_ = std::move(sink);
}

void set_minimum(level lvl) { minimum_ = lvl; }

} // namespace dps::log
