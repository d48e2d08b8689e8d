// GET /metrics on the real server: what it counts, who may read it, and the pool figures behind it.
#include "db/database.hpp"
#include "support/https_client.hpp"
#include "support/test_platform.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <chrono>
#include <thread>

using namespace dps;
using namespace std::chrono_literals;

namespace {

bool has_line(const std::string& text, const std::string& line)
{
    return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

http::response metrics_from(test::test_platform& platform, const std::string& remote)
{
    http::request req;
    req.method = "GET";
    req.path = "/metrics";
    req.remote = remote;
    req.request_id = "metrics-test";
    return platform.app().routes().dispatch(req);
}

} // namespace

TEST(Metrics, CountsRequestsByRouteTemplateAndReadsThePool)
{
    test::test_platform platform([](config& c) { c.db_pool = 3; });
    test::https_client client(platform.port());
    for (int i = 0; i < 3; ++i) ASSERT_EQ(client.get("/healthz").status, 200);
    ASSERT_EQ(client.get("/no/such/route").status, 404);
    ASSERT_EQ(client.get("/v1/call-offs/4242").status, 401); // matched a route: counted under its template
    auto scrape = client.get("/metrics");
    ASSERT_EQ(scrape.status, 200) << scrape.body;
    EXPECT_EQ(scrape.header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    const auto& text = scrape.body;
    EXPECT_TRUE(has_line(text, R"(dps_http_requests_total{route="/healthz",method="GET",status="200"} 3)")) << text;
    EXPECT_TRUE(has_line(text, R"(dps_http_requests_total{route="unmatched",method="GET",status="404"} 1)")) << text;
    EXPECT_TRUE(has_line(text, R"(dps_http_requests_total{route="/v1/call-offs/{call_off_id}",method="GET",status="401"} 1)")) << text;
    EXPECT_EQ(text.find("4242"), std::string::npos) << "an id reached a label";
    EXPECT_TRUE(has_line(text, R"(dps_db_pool_connections{pool="primary",state="capacity"} 3)")) << text;
    EXPECT_TRUE(has_line(text, R"(dps_db_transaction_retries_total{pool="primary",reason="conflict"} 0)")) << text;
    EXPECT_NE(text.find("dps_tls_handshakes_total{result=\"ok\"} "), std::string::npos) << text;
    EXPECT_NE(text.find("# TYPE dps_plugin_calls_total counter"), std::string::npos) << text;
}

TEST(Metrics, OnlyLoopbackMayReadThemByDefault)
{
    test::test_platform platform;
    EXPECT_EQ(metrics_from(platform, "127.0.0.1").status, 200);
    EXPECT_EQ(metrics_from(platform, "::1").status, 200);
    for (const char* outside : {"10.1.2.3", "192.0.2.7", "2001:db8::5", "::ffff:10.0.0.9"}) {
        auto reply = metrics_from(platform, outside);
        EXPECT_EQ(reply.status, 404) << outside;
        EXPECT_NE(reply.body.find("\"not_found\""), std::string::npos) << reply.body;
        EXPECT_EQ(reply.body.find("dps_http"), std::string::npos) << outside;
    }
}

TEST(Metrics, AnyLetsEveryAddressReadThem)
{
    test::test_platform platform([](config& c) { c.metrics_access = metrics::access::any; });
    EXPECT_EQ(metrics_from(platform, "192.0.2.7").status, 200);
}

TEST(Metrics, OffRegistersNoRoute)
{
    test::test_platform platform([](config& c) { c.metrics_access = metrics::access::off; });
    EXPECT_EQ(platform.app().routes().find("GET", "/metrics").found, nullptr);
    test::https_client client(platform.port());
    EXPECT_EQ(client.get("/metrics").status, 404);
}

TEST(Metrics, AUnitThatWaitsForAConnectionIsCounted)
{
    test::test_platform platform([](config& c) { c.db_pool = 1; });
    auto& db = platform.app().database();
    const auto before = db.stats();
    std::thread holder([&] {
        (void)db.read(db::scope::platform(), [](soci::session&) {
            std::this_thread::sleep_for(300ms);
            return ok_status();
        });
    });
    std::this_thread::sleep_for(50ms);
    const auto busy = db.stats();
    EXPECT_EQ(busy.in_use, 1u);
    auto waited = db.read(db::scope::platform(), [](soci::session&) { return ok_status(); });
    holder.join();
    EXPECT_TRUE(waited.ok());
    const auto after = db.stats();
    EXPECT_EQ(after.waits, before.waits + 1);
    EXPECT_GT(after.wait_seconds - before.wait_seconds, 0.1);
    EXPECT_EQ(after.timeouts, before.timeouts);
    EXPECT_EQ(after.in_use, 0u);
}
