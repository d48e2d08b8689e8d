// Structured logging: one JSON object a line on stderr, safe from any thread.
#pragma once

#include <boost/json/object.hpp>

#include <functional>

#include <string_view>

namespace dps::log {

enum class level { debug, info, warn, error };

void write(level lvl, std::string_view event, boost::json::object fields = {});
inline void info(std::string_view event, boost::json::object fields = {}) { write(level::info, event, std::move(fields)); }
inline void warn(std::string_view event, boost::json::object fields = {}) { write(level::warn, event, std::move(fields)); }
inline void error(std::string_view event, boost::json::object fields = {}) { write(level::error, event, std::move(fields)); }

// The per-request access line, written without building a JSON object: it is on every request's path.
struct access_record {
    std::string_view method, path, request_id, remote;
    int status = 0;
    std::size_t bytes = 0;
    long long duration_us = 0;
};
void access(const access_record& r);

// Tests capture the log by redirecting it; nullptr restores stderr.
void set_sink(std::function<void(std::string_view line)> sink);
void set_minimum(level lvl);

} // namespace dps::log
