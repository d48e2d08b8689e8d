// Prometheus text format: https://prometheus.io/docs/instrumenting/exposition_formats/
#include "metrics/metrics.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace dps::metrics {

namespace {

void append_number(std::string& out, double value)
{
    if (std::isnan(value)) { out += "NaN"; return; }
    if (std::isinf(value)) { out += value > 0 ? "+Inf" : "-Inf"; return; }
    char buffer[32];
    const auto done = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, done.ptr);
}

void append_escaped(std::string& out, std::string_view value)
{
    for (const char c : value) {
        if (c == '\\') out += "\\\\";
        else if (c == '"') out += "\\\"";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
}

std::string_view method_label(std::string_view method)
{
    for (std::string_view known : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
        if (method == known) return known;
    return "other";
}

} // namespace

void exposition::family(std::string_view name, std::string_view type, std::string_view help)
{
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    for (const char c : help) out_ += c == '\n' ? ' ' : c;
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
}

void exposition::labels(std::initializer_list<label> labels, std::string_view extra_name, std::string_view extra_value)
{
    if (labels.size() == 0 && extra_name.empty()) return;
    out_ += '{';
    bool first = true;
    auto one = [&](std::string_view name, std::string_view value) {
        if (!first) out_ += ',';
        first = false;
        out_ += name;
        out_ += "=\"";
        append_escaped(out_, value);
        out_ += '"';
    };
    for (const auto& [name, value] : labels) one(name, value);
    if (!extra_name.empty()) one(extra_name, extra_value);
    out_ += '}';
}

void exposition::sample(std::string_view name, std::initializer_list<label> labels, double value)
{
    out_ += name;
    this->labels(labels);
    out_ += ' ';
    append_number(out_, value);
    out_ += '\n';
}

void exposition::sample(std::string_view name, std::initializer_list<label> labels, std::uint64_t value)
{
    out_ += name;
    this->labels(labels);
    out_ += ' ';
    out_ += std::to_string(value);
    out_ += '\n';
}

void registry::observe_request(std::string_view route, std::string_view method, int status, double seconds)
{
    std::size_t bucket = 0;
    while (bucket < kLatencyBuckets.size() && seconds > kLatencyBuckets[bucket]) ++bucket;
    const std::string_view verb = method_label(method);
    std::string key;
    key.reserve(route.size() + 1 + verb.size());
    key.append(route).append(" ").append(verb);
    std::lock_guard lock(mutex_);
    auto found = requests_.find(key);
    if (found == requests_.end()) {
        found = requests_.try_emplace(std::move(key)).first;
        found->second.route = route;
        found->second.method = verb;
    }
    auto& series = found->second;
    if (bucket < series.buckets.size()) ++series.buckets[bucket];
    ++series.count;
    series.sum += seconds;
    ++series.by_status[status];
}

void registry::count_tls_handshake(bool ok)
{
    std::lock_guard lock(mutex_);
    ++(ok ? handshakes_ok_ : handshakes_failed_);
}

void registry::add_collector(collector c)
{
    std::lock_guard lock(mutex_);
    collectors_.push_back(std::move(c));
}

std::string registry::render() const
{
    exposition out;
    std::vector<collector> collectors;
    {
        std::lock_guard lock(mutex_);
        out.family("dps_http_requests_total", "counter", "HTTP requests answered, by route template, method and status.");
        for (const auto& [key, series] : requests_)
            for (const auto& [status, n] : series.by_status) {
                const auto code = std::to_string(status);
                out.sample("dps_http_requests_total", {{"route", series.route}, {"method", series.method}, {"status", code}}, n);
            }
        out.family("dps_http_request_duration_seconds", "histogram",
                   "Time from the request's last byte read to its answer handed to TLS, by route template and method.");
        for (const auto& [key, series] : requests_) {
            const std::string_view route = series.route, method = series.method;
            std::uint64_t cumulative = 0;
            for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
                cumulative += series.buckets[i];
                std::string le;
                append_number(le, kLatencyBuckets[i]);
                out.sample("dps_http_request_duration_seconds_bucket",
                           {{"route", route}, {"method", method}, {"le", le}}, cumulative);
            }
            out.sample("dps_http_request_duration_seconds_bucket", {{"route", route}, {"method", method}, {"le", "+Inf"}},
                       series.count);
            out.sample("dps_http_request_duration_seconds_sum", {{"route", route}, {"method", method}}, series.sum);
            out.sample("dps_http_request_duration_seconds_count", {{"route", route}, {"method", method}}, series.count);
        }
        out.family("dps_tls_handshakes_total", "counter", "TLS handshakes, by result.");
        out.sample("dps_tls_handshakes_total", {{"result", "ok"}}, handshakes_ok_);
        out.sample("dps_tls_handshakes_total", {{"result", "failed"}}, handshakes_failed_);
        collectors = collectors_;
    }
    for (const auto& c : collectors) c(out); // outside the lock: a collector may take its own
    return out.text();
}

bool is_loopback(std::string_view address)
{
    if (address.starts_with('[')) { // [::1]:port
        const auto end = address.find(']');
        if (end == std::string_view::npos) return false;
        address = address.substr(1, end - 1);
    } else if (address.find(':') == address.rfind(':') && address.find(':') != std::string_view::npos) {
        address = address.substr(0, address.find(':')); // 127.0.0.1:port
    }
    if (address == "::1") return true;
    if (address.starts_with("::ffff:")) address.remove_prefix(7);
    return address.starts_with("127.");
}

} // namespace dps::metrics
