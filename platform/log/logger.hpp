// Structured logging: one JSON object a line on stderr, safe from any thread. Every line carries
// "ts" (ISO 8601 UTC, milliseconds), "level" and "event". Never pass a secret (password, token,
// Authorization or Idempotency-Key value, request body) as a field: lines go to journald and beyond.
#pragma once

#include "log/level.hpp"

#include <boost/json/object.hpp>

#include <functional>

#include <string_view>

namespace dps::log {

void write(level lvl, std::string_view event, boost::json::object fields = {});
inline void debug(std::string_view event, boost::json::object fields = {}) { write(level::debug, event, std::move(fields)); }
inline void info(std::string_view event, boost::json::object fields = {}) { write(level::info, event, std::move(fields)); }
inline void warn(std::string_view event, boost::json::object fields = {}) { write(level::warn, event, std::move(fields)); }
inline void error(std::string_view event, boost::json::object fields = {}) { write(level::error, event, std::move(fields)); }

// The per-request access line, written without building a JSON object: it is on every request's path.
// route: the matched route's template ("/v1/call-offs/{call_off_id}"), "-" when none matched, so
// that lines group by endpoint; tenant: the caller's tenant slug, empty (omitted) when there is none.
struct access_record {
    std::string_view method, path, request_id, remote;
    std::string_view route = "-";
    std::string_view tenant;
    int status = 0;
    std::size_t bytes = 0;
    long long duration_us = 0;
};
void access(const access_record& r);

// Tests capture the log by redirecting it; nullptr restores stderr.
void set_sink(std::function<void(std::string_view line)> sink);
// Lines below this level are dropped (DPS_LOG_LEVEL; info by default). Safe from any thread.
void set_minimum(level lvl);
level minimum();

} // namespace dps::log
