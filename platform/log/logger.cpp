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
std::atomic<level> minimum_{level::info}; // read on every line from every thread

void emit(std::string& text);

} // namespace

const char* level_name(level lvl)
{
    switch (lvl) {
    case level::debug: return "debug";
    case level::info: return "info";
    case level::warn: return "warn";
    case level::error: return "error";
    }
    return "info";
}

std::optional<level> parse_level(std::string_view text)
{
    for (auto lvl : {level::debug, level::info, level::warn, level::error})
        if (text == level_name(lvl)) return lvl;
    return std::nullopt;
}

void write(level lvl, std::string_view event, boost::json::object fields)
{
    if (lvl < minimum_.load(std::memory_order_relaxed)) return;
    boost::json::object line;
    line["ts"] = format_timestamp(system_clock_now());
    line["level"] = level_name(lvl);
    line["event"] = event;
    for (auto& kv : fields) line[kv.key()] = std::move(kv.value());
    std::string text = boost::json::serialize(line);
    emit(text);
}

namespace {

// JSON string escaping for log fields; bytes outside ASCII are escaped too, so a line stays valid
// JSON whatever a client put in its request line.
void append_json_string(std::string& out, std::string_view text)
{
    static constexpr char hex[] = "0123456789abcdef";
    out.push_back('"');
    for (unsigned char c : text) {
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(static_cast<char>(c));
        } else if (c < 0x20 || c >= 0x7f) {
            out += "\\u00";
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 0xf]);
        } else {
            out.push_back(static_cast<char>(c));
        }
    }
    out.push_back('"');
}

void emit(std::string& text)
{
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

} // namespace

void access(const access_record& r)
{
    if (level::info < minimum_.load(std::memory_order_relaxed)) return;
    std::string line;
    line.reserve(256);
    line += R"({"ts":")";
    line += format_timestamp(system_clock_now());
    line += R"(","level":"info","event":"access","method":)";
    append_json_string(line, r.method);
    line += R"(,"path":)";
    append_json_string(line, r.path);
    line += R"(,"route":)";
    append_json_string(line, r.route);
    line += R"(,"status":)";
    line += std::to_string(r.status);
    line += R"(,"bytes":)";
    line += std::to_string(r.bytes);
    line += R"(,"duration_us":)";
    line += std::to_string(r.duration_us);
    line += R"(,"request_id":)";
    append_json_string(line, r.request_id);
    line += R"(,"remote":)";
    append_json_string(line, r.remote);
    if (!r.tenant.empty()) {
        line += R"(,"tenant":)";
        append_json_string(line, r.tenant);
    }
    line += '}';
    emit(line);
}

void set_sink(std::function<void(std::string_view)> sink)
{
    std::lock_guard lock(mutex_);
    sink_ = std::move(sink);
    has_sink_.store(static_cast<bool>(sink_), std::memory_order_release);
}

void set_minimum(level lvl) { minimum_.store(lvl, std::memory_order_relaxed); }
level minimum() { return minimum_.load(std::memory_order_relaxed); }

} // namespace dps::log
