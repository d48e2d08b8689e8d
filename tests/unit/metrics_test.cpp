// The Prometheus text exposition: escaping, cumulative buckets, bounded label values, loopback test.
#include "metrics/metrics.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace dps;

namespace {

bool has_line(const std::string& text, const std::string& line)
{
    return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

} // namespace

TEST(Metrics, RequestsAreCountedByRouteMethodAndStatus)
{
    metrics::registry r;
    r.observe_request("/v1/call-offs/{call_off_id}", "GET", 200, 0.003);
    r.observe_request("/v1/call-offs/{call_off_id}", "GET", 200, 0.0004);
    r.observe_request("/v1/call-offs/{call_off_id}", "GET", 404, 0.02);
    const auto text = r.render();
    EXPECT_TRUE(has_line(text, R"(dps_http_requests_total{route="/v1/call-offs/{call_off_id}",method="GET",status="200"} 2)")) << text;
    EXPECT_TRUE(has_line(text, R"(dps_http_requests_total{route="/v1/call-offs/{call_off_id}",method="GET",status="404"} 1)")) << text;
    // Buckets are cumulative: 0.0004 <= 0.001; 0.003 <= 0.005; 0.02 <= 0.025.
    const std::string b = R"(dps_http_request_duration_seconds_bucket{route="/v1/call-offs/{call_off_id}",method="GET",le=")";
    EXPECT_TRUE(has_line(text, b + R"(0.001"} 1)")) << text;
    EXPECT_TRUE(has_line(text, b + R"(0.0025"} 1)")) << text;
    EXPECT_TRUE(has_line(text, b + R"(0.005"} 2)")) << text;
    EXPECT_TRUE(has_line(text, b + R"(0.025"} 3)")) << text;
    EXPECT_TRUE(has_line(text, b + R"(+Inf"} 3)")) << text;
    EXPECT_TRUE(has_line(text, R"(dps_http_request_duration_seconds_count{route="/v1/call-offs/{call_off_id}",method="GET"} 3)")) << text;
    EXPECT_TRUE(has_line(text, "# TYPE dps_http_request_duration_seconds histogram")) << text;
}

TEST(Metrics, SlowerThanTheLastBucketCountsOnlyInInf)
{
    metrics::registry r;
    r.observe_request("/x", "POST", 503, 60.0);
    const auto text = r.render();
    EXPECT_TRUE(has_line(text, R"(dps_http_request_duration_seconds_bucket{route="/x",method="POST",le="10"} 0)")) << text;
    EXPECT_TRUE(has_line(text, R"(dps_http_request_duration_seconds_bucket{route="/x",method="POST",le="+Inf"} 1)")) << text;
    EXPECT_TRUE(has_line(text, R"(dps_http_request_duration_seconds_sum{route="/x",method="POST"} 60)")) << text;
}

TEST(Metrics, AClientsInventedMethodDoesNotMakeANewSeries)
{
    metrics::registry r;
    r.observe_request("unmatched", "BREW", 404, 0.001);
    r.observe_request("unmatched", "PROPFIND", 404, 0.001);
    const auto text = r.render();
    EXPECT_TRUE(has_line(text, R"(dps_http_requests_total{route="unmatched",method="other",status="404"} 2)")) << text;
    EXPECT_EQ(text.find("BREW"), std::string::npos);
}

TEST(Metrics, LabelValuesAreEscaped)
{
    metrics::exposition out;
    out.family("t", "gauge", "help\nwith a newline");
    out.sample("t", {{"tenant", "a\"b\\c\nd"}}, std::uint64_t{3});
    EXPECT_EQ(out.text(), "# HELP t help with a newline\n# TYPE t gauge\nt{tenant=\"a\\\"b\\\\c\\nd\"} 3\n");
}

TEST(Metrics, CollectorsAreReadAtEveryScrape)
{
    metrics::registry r;
    int reads = 0;
    r.add_collector([&](metrics::exposition& out) {
        ++reads;
        out.family("dps_test_reads", "counter", "reads");
        out.sample("dps_test_reads", {}, static_cast<std::uint64_t>(reads));
    });
    EXPECT_TRUE(has_line(r.render(), "dps_test_reads 1"));
    EXPECT_TRUE(has_line(r.render(), "dps_test_reads 2"));
}

TEST(Metrics, TlsHandshakesByResult)
{
    metrics::registry r;
    r.count_tls_handshake(true);
    r.count_tls_handshake(true);
    r.count_tls_handshake(false);
    const auto text = r.render();
    EXPECT_TRUE(has_line(text, R"(dps_tls_handshakes_total{result="ok"} 2)")) << text;
    EXPECT_TRUE(has_line(text, R"(dps_tls_handshakes_total{result="failed"} 1)")) << text;
}

TEST(Metrics, LoopbackAddresses)
{
    for (const char* yes : {"127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1", "127.0.0.1:8443", "[::1]:8443"})
        EXPECT_TRUE(metrics::is_loopback(yes)) << yes;
    for (const char* no : {"10.0.0.1", "192.0.2.1", "::ffff:10.0.0.1", "2001:db8::1", "1270.0.0.1", "", "[::1", "128.0.0.1"})
        EXPECT_FALSE(metrics::is_loopback(no)) << no;
}
