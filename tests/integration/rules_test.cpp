// Tenant plugins over HTTPS: upload (validated before it is stored), versions, roll back, hooks,
// and a broken or hostile plugin failing only its own tenant's requests.
#include "db/database.hpp"
#include "plugins/plugin_host.hpp"
#include "rules/rules_service.hpp"
#include "support/https_client.hpp"
#include "support/identity_fixture.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <atomic>
#include <thread>

using namespace dps;

namespace {

class rules_api : public ::testing::Test, protected test::identity_fixture {
protected:
    std::string base() { return "/v1/tenants/" + std::to_string(tenant_a.id) + "/plugin"; }
    test::header_list as(const std::string& key) { return {{"Content-Type", "application/json"}, {"Authorization", bearer(key)}}; }

    test::http_reply upload(test::https_client& client, const std::string& source, const std::string& fixtures = {})
    {
        boost::json::object body{{"source", source}};
        if (!fixtures.empty()) body["fixtures"] = boost::json::parse(fixtures);
        return client.send("POST", base() + "/versions", boost::json::serialize(body), as("A:tenant_admin"));
    }

    test::http_reply fee(test::https_client& client, std::int64_t tenant_id, const std::string& key)
    {
        return client.send("POST", "/v1/tenants/" + std::to_string(tenant_id) + "/plugin/evaluate",
                           R"({"hook":"annual_fee","args":[{"code":"lot1"},{}]})", {{"Content-Type", "application/json"}, {"Authorization", bearer(key)}});
    }

    std::size_t version_count(test::https_client& client)
    {
        return client.get(base() + "/versions", as("A:tenant_admin")).json().at("items").as_array().size();
    }
};

const std::string kFeeFixtures = R"({"cases":[{"name":"fee","hook":"annual_fee","args":[{"code":"lot1"},{}],"expect":250000}]})";

} // namespace

TEST_F(rules_api, UploadValidatesStoresAndActivatesAndRollbackRestores)
{
    test::https_client client(platform.port());
    EXPECT_EQ(fee(client, tenant_a.id, "A:tenant_admin").json().at("result"), 100000);

    auto v2 = upload(client, "return { annual_fee = function(lot, agreement) return 250000 end }", kFeeFixtures);
    ASSERT_EQ(v2.status, 201) << v2.body;
    EXPECT_EQ(v2.json().at("version"), 2);
    EXPECT_EQ(v2.json().at("status"), "active");
    EXPECT_EQ(v2.json().at("fixtures").at("passed"), 1);
    EXPECT_EQ(v2.json().at("source_sha256").as_string().size(), 64u);
    EXPECT_EQ(fee(client, tenant_a.id, "A:commissioner").json().at("result"), 250000);

    auto rollback = client.send("POST", base() + "/versions/1/activate", "", as("A:tenant_admin"));
    ASSERT_EQ(rollback.status, 200) << rollback.body;
    EXPECT_EQ(fee(client, tenant_a.id, "A:commissioner").json().at("result"), 100000);
    EXPECT_EQ(client.get(base(), as("A:auditor")).json().at("version"), 1);
    EXPECT_EQ(client.send("POST", base() + "/versions/1/activate", "", as("A:tenant_admin")).status, 409);
    EXPECT_EQ(client.send("POST", base() + "/versions/9/activate", "", as("A:tenant_admin")).status, 404);

    long long audited = 0;
    ASSERT_TRUE(platform.app().database().transact(db::scope::platform(), [&](soci::session& sql) -> status {
        sql << "SELECT count(*) FROM audit_log WHERE action IN ('plugin.upload', 'plugin.activate')", soci::into(audited);
        return ok_status();
    }).ok());
    EXPECT_EQ(audited, 5); // upload+activate for v1 and v2, and the roll back
}

TEST_F(rules_api, ABadVersionIsRefusedWithReasonsAndChangesNothing)
{
    test::https_client client(platform.port());
    const auto before = version_count(client);

    auto syntax = upload(client, "return { annual_fee = function(lot, agreement) return 1 +  end }", kFeeFixtures);
    EXPECT_EQ(syntax.status, 422);
    EXPECT_EQ(syntax.json().at("error").at("code"), "plugin_error");
    EXPECT_NE(std::string(syntax.json().at("error").at("message").as_string()).find("plugin.lua:1"), std::string::npos) << syntax.body;

    auto negative = upload(client, "return { annual_fee = function(lot, agreement) return -5 end }", kFeeFixtures);
    EXPECT_EQ(negative.status, 422) << negative.body;

    auto wrong = upload(client, "return { annual_fee = function(lot, agreement) return 1 end }", kFeeFixtures);
    EXPECT_EQ(wrong.status, 422);
    EXPECT_NE(std::string(wrong.json().at("error").at("message").as_string()).find("fixtures failed"), std::string::npos) << wrong.body;

    auto escape = upload(client, "return { annual_fee = function() return os.time() end }", kFeeFixtures);
    EXPECT_EQ(escape.status, 422);

    auto no_source = client.send("POST", base() + "/versions", R"({"fixtures":{"cases":[]}})", as("A:tenant_admin"));
    EXPECT_EQ(no_source.status, 400);

    EXPECT_EQ(version_count(client), before);
    EXPECT_EQ(fee(client, tenant_a.id, "A:tenant_admin").json().at("result"), 100000) << "the active version is untouched";
}

TEST_F(rules_api, FixturesDefaultToTheActiveVersions)
{
    test::https_client client(platform.port());
    // Version 1's fixtures expect a fee of 100000 and notice of 3: a new version must keep to them.
    auto kept = upload(client, "return { annual_fee = function() return 100000 end, termination_notice = function() return 3 end, "
                               "approval_route = function(a) return {{authority='cabinet'}} end }");
    EXPECT_EQ(kept.status, 201) << kept.body;
    auto broke = upload(client, "return { annual_fee = function() return 100001 end, termination_notice = function() return 3 end }");
    EXPECT_EQ(broke.status, 422);
}

TEST_F(rules_api, AHostilePluginFailsOnlyItsOwnTenant)
{
    const identity::acting cli{nullptr, "test"};
    // Council B's plugin passes its fixture but loops for ever on any other lot.
    auto hostile = platform.app().rules().upload(
        cli, tenant_b.id,
        "return { annual_fee = function(lot) if lot.code == 'ok' then return 1 end while true do end end }",
        boost::json::parse(R"({"cases":[{"name":"ok","hook":"annual_fee","args":[{"code":"ok"},{}],"expect":1}]})"), "b.lua");
    ASSERT_TRUE(hostile.ok()) << hostile.err().message;

    std::atomic<bool> stop{false};
    std::atomic<int> good{0}, bad{0};
    std::thread neighbour([&] {
        test::https_client client(platform.port());
        while (!stop) (fee(client, tenant_a.id, "A:commissioner").status == 200 ? good : bad)++;
    });
    test::https_client client(platform.port());
    for (int i = 0; i < 3; ++i) {
        auto r = client.send("POST", "/v1/tenants/" + std::to_string(tenant_b.id) + "/plugin/evaluate",
                             R"({"hook":"annual_fee","args":[{"code":"loop"},{}]})", {{"Content-Type", "application/json"}, {"Authorization", bearer("B:commissioner")}});
        EXPECT_TRUE(r.status == 422 || r.status == 500) << r.body;
        EXPECT_EQ(r.json().at("error").at("code"), "plugin_error");
        EXPECT_NE(std::string(r.json().at("error").at("message").as_string()).find("council-b"), std::string::npos) << r.body;
    }
    stop = true;
    neighbour.join();
    EXPECT_GT(good.load(), 0);
    EXPECT_EQ(bad.load(), 0) << "council A's requests must keep succeeding";
    EXPECT_EQ(client.get("/healthz").status, 200);
}

TEST_F(rules_api, ConcurrentUploadsLeaveTheHostOnTheVersionTheDatabaseMarksActive)
{
    // Each upload returns a distinct fee; whichever commits last must be the one that runs.
    std::vector<std::thread> uploaders;
    std::atomic<int> stored{0};
    for (int t = 0; t < 2; ++t)
        uploaders.emplace_back([&, t] {
            test::https_client client(platform.port());
            for (int i = 0; i < 4; ++i) {
                const int fee = 200000 + t * 1000 + i;
                const std::string fixtures = R"({"cases":[{"name":"fee","hook":"annual_fee","args":[{"code":"lot1"},{}],"expect":)" +
                                             std::to_string(fee) + "}]}";
                if (upload(client, "return { annual_fee = function() return " + std::to_string(fee) + " end }", fixtures).status == 201)
                    ++stored;
            }
        });
    for (auto& u : uploaders) u.join();
    EXPECT_EQ(stored.load(), 8) << "concurrent uploads each get their own version number";
    test::https_client client(platform.port());
    const auto active = client.get(base(), as("A:tenant_admin")).json();
    EXPECT_EQ(active.at("version"), 9);
    const auto versions = client.get(base() + "/versions", as("A:tenant_admin")).json().at("items").as_array();
    std::int64_t active_fee = -1;
    for (const auto& v : versions)
        if (v.at("status") == "active") active_fee = v.at("version").as_int64();
    EXPECT_EQ(active_fee, 9);
    // The host must compute the fee that version 9's source (as stored) returns.
    std::string source;
    ASSERT_TRUE(platform.app().database().transact(db::scope::platform(), [&](soci::session& sql) -> status {
        long long tenant = tenant_a.id;
        sql << "SELECT source FROM tenant_plugins WHERE tenant_id = :t AND version = 9", soci::use(tenant), soci::into(source);
        return ok_status();
    }).ok());
    const auto host_fee = fee(client, tenant_a.id, "A:tenant_admin").json().at("result").as_int64();
    EXPECT_NE(source.find("return " + std::to_string(host_fee) + " end"), std::string::npos)
        << "host runs fee " << host_fee << " but the active source is: " << source;
}

TEST_F(rules_api, AVersionActivatedOnAnotherNodeIsPickedUp)
{
    // A second service with its own host stands for another dpsd node over the same database.
    plugins::plugin_host other_host;
    rules::rules_service other_node(platform.app().database(), platform.app().time(), other_host);
    auto uploaded = other_node.upload({nullptr, "other-node"}, tenant_a.id, "return { annual_fee = function() return 250000 end }",
                                      boost::json::parse(kFeeFixtures), "a.lua");
    ASSERT_TRUE(uploaded.ok()) << uploaded.err().message;
    test::https_client client(platform.port());
    EXPECT_EQ(fee(client, tenant_a.id, "A:tenant_admin").json().at("result"), 100000) << "this node has not looked yet";
    ASSERT_TRUE(platform.app().rules().refresh().ok());
    EXPECT_EQ(fee(client, tenant_a.id, "A:tenant_admin").json().at("result"), 250000);
}
