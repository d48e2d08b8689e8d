// Process metrics in the Prometheus text exposition format (0.0.4), for GET /metrics.
// The http layer records requests and TLS handshakes here; other parts (the database pool, the
// plugin host) are read at scrape time by collectors, so their hot paths keep their own counters.
// No client library is packaged for Debian 12, and the format is a few lines of text.
#pragma once

#include "metrics/access.hpp"

#include <array>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dps::metrics {

// Writes families and samples; label values are escaped as the format requires.
class exposition {
public:
    using label = std::pair<std::string_view, std::string_view>;
    // TYPE is counter, gauge or histogram. Call once per family, before its samples.
    void family(std::string_view name, std::string_view type, std::string_view help);
    void sample(std::string_view name, std::initializer_list<label> labels, double value);
    void sample(std::string_view name, std::initializer_list<label> labels, std::uint64_t value);
    const std::string& text() const { return out_; }

private:
    void labels(std::initializer_list<label> labels, std::string_view extra_name = {}, std::string_view extra_value = {});
    std::string out_;
};

// Upper bounds of the request-duration histogram, in seconds (+Inf is implicit).
inline constexpr std::array<double, 12> kLatencyBuckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                        0.1,   0.25,   0.5,   1.0,  2.5,   10.0};

class registry {
public:
    // One answered request. route: the route template ("unmatched" when no route matched), so a
    // series never carries an id; method outside the usual verbs counts as "other".
    void observe_request(std::string_view route, std::string_view method, int status, double seconds);
    void count_tls_handshake(bool ok);

    // Read at every scrape; appends whole families. Register before serving; they live as long as
    // the registry, so a collector may only capture what outlives it.
    using collector = std::function<void(exposition&)>;
    void add_collector(collector c);

    std::string render() const;

private:
    struct request_series {
        std::string route, method;
        std::array<std::uint64_t, kLatencyBuckets.size()> buckets{}; // non-cumulative; summed on render
        std::uint64_t count = 0;
        double sum = 0;
        std::map<int, std::uint64_t> by_status;
    };
    mutable std::mutex mutex_;
    std::map<std::string, request_series, std::less<>> requests_; // by "ROUTE METHOD"
    std::uint64_t handshakes_ok_ = 0, handshakes_failed_ = 0;
    std::vector<collector> collectors_;
};

// True for 127.0.0.0/8 and ::1 (also as ::ffff:127.x.y.z), with or without a ":port" suffix.
bool is_loopback(std::string_view address);

} // namespace dps::metrics
