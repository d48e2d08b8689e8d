// Black-box tests of the HTTPS host: the real server in-process, real TLS, the database under test.
#include "http/json_io.hpp"
#include "log/logger.hpp"
#include "support/https_client.hpp"
#include "support/test_certificate.hpp"
#include "support/test_platform.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <future>
#include <mutex>
#include <thread>

using namespace dps;
using namespace std::chrono_literals;

namespace {

// Routes that exercise the host itself: a JSON echo and a deliberately slow handler.
void add_probe_routes(http::router& routes)
{
    routes.add("POST", "/test/echo", [](http::request& req) { return http::json_response(200, req.json); },
               {.body = http::body_kind::json});
    routes.add("GET", "/test/slow", [](http::request&) {
        std::this_thread::sleep_for(600ms);
        return http::json_response(200, {{"slow", true}});
    });
}

struct log_capture {
    log_capture()
    {
        log::set_sink([this](std::string_view line) {
            std::lock_guard lock(mutex);
            lines.emplace_back(line);
        });
    }
    ~log_capture() { log::set_sink(nullptr); }
    std::vector<std::string> snapshot()
    {
        std::lock_guard lock(mutex);
        return lines;
    }
    std::mutex mutex;
    std::vector<std::string> lines;
};

} // namespace

TEST(Server, HealthReadinessAndVersion)
{
    test::test_platform platform;
    test::https_client client(platform.port());
    auto health = client.get("/healthz");
    EXPECT_EQ(health.status, 200);
    EXPECT_EQ(health.header("content-type"), "application/json");
    EXPECT_EQ(health.json().at("status"), "ok");

    auto ready = client.get("/readyz");
    EXPECT_EQ(ready.status, 200);
    EXPECT_EQ(ready.json().at("status"), "ready");
    EXPECT_EQ(ready.json().at("database"), test::backend_under_test() == db::backend::sqlite ? "sqlite" : "postgresql");

    auto version = client.get("/v1/version");
    EXPECT_EQ(version.status, 200);
    EXPECT_EQ(version.json().at("name"), "dpsd");
    EXPECT_TRUE(version.json().at("schema_version").is_int64());
}

TEST(Server, KeepAliveReusesOneConnection)
{
    test::test_platform platform;
    test::https_client client(platform.port());
    for (int i = 0; i < 5; ++i) {
        auto r = client.get("/healthz");
        EXPECT_EQ(r.status, 200);
        EXPECT_TRUE(r.keep_alive);
    }
    EXPECT_EQ(client.connections_opened(), 1);
}

TEST(Server, RequestIdIsEchoedOrMade)
{
    test::test_platform platform;
    test::https_client client(platform.port());
    EXPECT_EQ(client.get("/healthz", {{"X-Request-Id", "abc-123.def"}}).header("x-request-id"), "abc-123.def");
    auto made = client.get("/healthz", {{"X-Request-Id", "has spaces and <script>"}}).header("x-request-id");
    EXPECT_EQ(made.size(), 32u);
    EXPECT_EQ(made.find(' '), std::string::npos);
    auto error = client.get("/nowhere", {{"X-Request-Id", "trace-7"}});
    EXPECT_EQ(error.json().at("error").at("request_id"), "trace-7");
}

TEST(Server, UnknownPathIs404AndWrongMethodIs405WithAllow)
{
    test::test_platform platform;
    test::https_client client(platform.port());
    auto missing = client.get("/v1/nothing-here");
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(missing.json().at("error").at("code"), "not_found");
    auto wrong = client.send("DELETE", "/healthz");
    EXPECT_EQ(wrong.status, 405);
    EXPECT_EQ(wrong.header("allow"), "GET");
}

TEST(Server, JsonBodiesAreCheckedBeforeTheHandler)
{
    test::test_platform platform({}, add_probe_routes);
    test::https_client client(platform.port());
    auto ok = client.send("POST", "/test/echo", R"({"lot":"L2"})", {{"Content-Type", "application/json"}});
    EXPECT_EQ(ok.status, 200);
    EXPECT_EQ(ok.json().at("lot"), "L2");

    auto bad = client.send("POST", "/test/echo", "{\"lot\": }", {{"Content-Type", "application/json"}});
    EXPECT_EQ(bad.status, 400);
    EXPECT_EQ(bad.json().at("error").at("code"), "invalid_json");
    EXPECT_NE(std::string(bad.json().at("error").at("message").as_string()).find("column"), std::string::npos);

    auto wrong_type = client.send("POST", "/test/echo", R"({"lot":"L2"})", {{"Content-Type", "text/plain"}});
    EXPECT_EQ(wrong_type.status, 415);
    EXPECT_EQ(wrong_type.json().at("error").at("code"), "unsupported_media_type");
}

TEST(Server, OversizedBodyIs413BeforeTheBodyIsRead)
{
    test::test_platform platform([](config& c) { c.body_limit = 1024; }, add_probe_routes);
    test::https_client client(platform.port());
    // Only the headers are sent: the answer must come without waiting for the 10 MB announced.
    auto raw = client.send_raw("POST /test/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                               "Content-Length: 10000000\r\n\r\n",
                               3s);
    EXPECT_EQ(raw.rfind("HTTP/1.1 413", 0), 0u) << raw;
    EXPECT_NE(raw.find("body_too_large"), std::string::npos);

    test::https_client fine(platform.port());
    EXPECT_EQ(fine.send("POST", "/test/echo", std::string(R"({"a":")") + std::string(900, 'x') + "\"}",
                        {{"Content-Type", "application/json"}}).status,
              200);
}

// Issue 15 (scripts/limits): bodies are read before the caller is known, so 1,600 stalled uploads
// without a token held 1.7 GB. Their memory is now reserved from one budget before they are read.
TEST(Server, BodiesBeyondTheSharedBudgetAre503WithoutBeingRead)
{
    test::test_platform platform([](config& c) { c.body_limit = 64 * 1024; c.body_budget = 128 * 1024; }, add_probe_routes);
    const auto stalled_upload = "POST /test/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 65536\r\n\r\n[1";
    auto first = std::make_unique<test::https_client>(platform.port()), second = std::make_unique<test::https_client>(platform.port());
    first->write_raw(stalled_upload);
    second->write_raw(stalled_upload); // the budget is now held by two bodies that never finish
    std::this_thread::sleep_for(200ms);
    test::https_client third(platform.port());
    auto raw = third.send_raw(stalled_upload, 3s);
    EXPECT_EQ(raw.rfind("HTTP/1.1 503", 0), 0u) << raw;
    EXPECT_NE(raw.find("\"busy\""), std::string::npos) << raw;
    EXPECT_NE(raw.find("Retry-After: 1"), std::string::npos) << raw;
    test::https_client small(platform.port());
    EXPECT_EQ(small.get("/healthz").status, 200) << "requests without a body are still served";
    // Once the stalled uploads go, their share is free again.
    first.reset();
    second.reset();
    std::this_thread::sleep_for(200ms);
    test::https_client later(platform.port());
    EXPECT_EQ(later.send("POST", "/test/echo", R"({"a":1})", {{"Content-Type", "application/json"}}).status, 200);
}

// Issue 15 (scripts/limits): one address holding every connection slot locked new clients out.
TEST(Server, OneClientAddressCannotTakeEveryConnection)
{
    test::test_platform platform([](config& c) { c.max_connections_per_client = 3; });
    std::vector<std::unique_ptr<test::https_client>> hog;
    for (int i = 0; i < 3; ++i) {
        hog.push_back(std::make_unique<test::https_client>(platform.port()));
        ASSERT_EQ(hog.back()->get("/healthz").status, 200);
    }
    test::https_client fourth(platform.port());
    EXPECT_THROW(fourth.get("/healthz"), std::exception) << "the fourth connection from the same address is refused";
    test::https_client neighbour(platform.port(), "127.0.0.2");
    EXPECT_EQ(neighbour.get("/healthz").status, 200) << "another address is served";
    hog.pop_back();
    std::this_thread::sleep_for(200ms);
    test::https_client again(platform.port());
    EXPECT_EQ(again.get("/healthz").status, 200) << "a slot freed by a closed connection is usable again";
}

TEST(Server, MalformedHttpIs400AndTheConnectionCloses)
{
    test::test_platform platform;
    test::https_client client(platform.port());
    auto raw = client.send_raw("THIS IS NOT HTTP\r\n\r\n", 3s);
    EXPECT_EQ(raw.rfind("HTTP/1.1 400", 0), 0u) << raw;
    EXPECT_NE(raw.find("malformed_request"), std::string::npos);
    EXPECT_NE(raw.find("Connection: close"), std::string::npos);
}

TEST(Server, IdleClientsAreTimedOut)
{
    test::test_platform platform([](config& c) { c.idle_timeout = 300ms; });
    test::https_client client(platform.port());
    ASSERT_EQ(client.get("/healthz").status, 200);
    EXPECT_TRUE(client.closed_by_server(3s)) << "an idle keep-alive connection must be closed";
}

TEST(Server, PlainHttpOnTheTlsPortFailsAndTheServerCarriesOn)
{
    test::test_platform platform;
    auto reply = test::plain_tcp_exchange(platform.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(reply.find("HTTP/1.1 200"), std::string::npos);
    test::https_client client(platform.port());
    EXPECT_EQ(client.get("/healthz").status, 200);
}

TEST(Server, RefusesTls11AndAcceptsTls12And13)
{
    test::test_platform platform;
    EXPECT_NE(test::try_tls_handshake(platform.port(), TLS1_1_VERSION), "") << "TLS 1.1 must be refused";
    EXPECT_NE(test::try_tls_handshake(platform.port(), TLS1_VERSION), "") << "TLS 1.0 must be refused";
    EXPECT_EQ(test::try_tls_handshake(platform.port(), TLS1_2_VERSION), "");
    EXPECT_EQ(test::try_tls_handshake(platform.port(), TLS1_3_VERSION), "");
}

TEST(Server, AccessLogHasOneJsonLinePerRequest)
{
    log_capture capture;
    {
        test::test_platform platform;
        test::https_client client(platform.port());
        client.get("/healthz", {{"X-Request-Id", "log-check-1"}});
        client.get("/missing", {{"X-Request-Id", "log-check-2"}});
    }
    int found = 0;
    for (const auto& line : capture.snapshot()) {
        auto v = boost::json::parse(line).as_object(); // every line is JSON
        if (v.at("event") != "access") continue;
        const auto rid = std::string(v.at("request_id").as_string());
        if (rid == "log-check-1") {
            EXPECT_EQ(v.at("method"), "GET");
            EXPECT_EQ(v.at("path"), "/healthz");
            EXPECT_EQ(v.at("status"), 200);
            EXPECT_EQ(v.at("bytes"), 15);
            EXPECT_TRUE(v.contains("duration_us"));
            ++found;
        }
        if (rid == "log-check-2") {
            EXPECT_EQ(v.at("status"), 404);
            ++found;
        }
    }
    EXPECT_EQ(found, 2);
}

TEST(Server, GracefulShutdownFinishesTheRequestInFlight)
{
    auto platform = std::make_unique<test::test_platform>(nullptr, add_probe_routes);
    const auto port = platform->port();
    auto in_flight = std::async(std::launch::async, [port] {
        test::https_client client(port);
        return client.get("/test/slow");
    });
    std::this_thread::sleep_for(200ms); // the slow request is now being handled
    const auto started = std::chrono::steady_clock::now();
    platform->shutdown();
    platform->wait();
    const auto took = std::chrono::steady_clock::now() - started;
    auto reply = in_flight.get();
    EXPECT_EQ(reply.status, 200);
    EXPECT_EQ(reply.json().at("slow"), true);
    EXPECT_FALSE(reply.keep_alive) << "a response during shutdown closes the connection";
    EXPECT_LT(took, 4s) << "shutdown should end when the last request finishes, not at the grace limit";
    EXPECT_NE(test::try_tls_handshake(port, TLS1_3_VERSION), "") << "no new connections after shutdown";
}

TEST(Server, ShutdownClosesIdleKeepAliveConnections)
{
    auto platform = std::make_unique<test::test_platform>();
    test::https_client client(platform->port());
    ASSERT_EQ(client.get("/healthz").status, 200);
    const auto started = std::chrono::steady_clock::now();
    platform->shutdown();
    platform->wait();
    EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
    EXPECT_TRUE(client.closed_by_server(2s));
}

TEST(Server, PortInUseIsAClearError)
{
    test::test_platform first;
    test::scratch_database other;
    auto settings = test::test_config(other);
    settings.listen.port = first.port();
    auto second = app::application::create(settings);
    ASSERT_FALSE(second.ok());
    EXPECT_NE(second.err().message.find("DPS_LISTEN"), std::string::npos);
    EXPECT_NE(second.err().message.find(std::to_string(first.port())), std::string::npos);
}

TEST(Server, MissingCertificateIsAClearError)
{
    test::scratch_database scratch;
    auto settings = test::test_config(scratch);
    settings.tls_cert = "/nonexistent/cert.pem";
    auto app = app::application::create(settings);
    ASSERT_FALSE(app.ok());
    EXPECT_NE(app.err().message.find("DPS_TLS_CERT"), std::string::npos);
    settings.tls_cert = test::test_certificate().cert;
    settings.tls_key = test::test_certificate().cert; // a certificate is not a key
    auto wrong_key = app::application::create(settings);
    ASSERT_FALSE(wrong_key.ok());
    EXPECT_NE(wrong_key.err().message.find("DPS_TLS_KEY"), std::string::npos);
}

// PostgreSQL only (the SQLite run filters it out): the database goes away and comes back.
TEST(PostgresqlOnly, ReadinessFollowsTheDatabaseAndRecovers)
{
    ASSERT_EQ(test::backend_under_test(), db::backend::postgresql);
    test::test_platform platform;
    test::https_client client(platform.port());
    ASSERT_EQ(client.get("/readyz").status, 200);
    const auto name = platform.database().name();

    test::scratch_database::admin_exec("ALTER DATABASE " + name + " WITH ALLOW_CONNECTIONS false");
    test::scratch_database::admin_exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name + "'");
    for (int i = 0; i < 3; ++i) { // every pooled connection is dead or refused: 503 each time, no crash
        auto down = client.get("/readyz");
        EXPECT_EQ(down.status, 503);
        EXPECT_EQ(down.json().at("error").at("code"), "database_unavailable");
        EXPECT_EQ(down.header("retry-after"), "1");
    }
    EXPECT_EQ(client.get("/healthz").status, 200) << "liveness does not depend on the database";

    test::scratch_database::admin_exec("ALTER DATABASE " + name + " WITH ALLOW_CONNECTIONS true");
    auto up = client.get("/readyz");
    EXPECT_EQ(up.status, 200) << up.body;
}
