// Stage two of a DPS over HTTPS, as the councils' reports tell it: Waltham Forest calling off from
// Newham's Lot 2, Haringey's approval thresholds, Peterborough's spend authority under concurrent
// awards, one award per call-off under concurrency, Idempotency-Key retries, suspended providers,
// personal data refused, unfilled call-offs with their spot purchase.
#include "core/digest.hpp"
#include "db/database.hpp"
#include "dps/dps_service.hpp"
#include "rules/rules_service.hpp"
#include "support/https_client.hpp"
#include "support/shipped_plugins.hpp"
#include "support/manual_clock.hpp"
#include "support/test_platform.hpp"
#include "support/calloff_fixture.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

using namespace dps;
using namespace std::chrono;

namespace {
class calloff : public test::calloff_fixture {};
} // namespace
using test::ids_in;

TEST_F(calloff, WalthamForestCallsOffAResidentialPlacementFromNewhamsLot2)
{
    const auto dps_id = open_dps("newham", "2024-02-01", "2026-03-08");
    admit("newham", "riverside", dps_id, "lot2");
    admit("newham", "oakwood", dps_id, "lot2");
    const auto shadyside = admit("newham", "shadyside", dps_id, "lot2");
    admit("newham", "northgate", dps_id, "lot4");
    ASSERT_EQ(call("newham:commissioner", "POST", "/v1/applications/" + std::to_string(shadyside) + "/decision",
                   {{"action", "suspend"}, {"reason", "not paying the London Living Wage"}, {"evidence_required", "payroll records"}})
                  .json().at("status"), "suspended");
    join("newham", "waltham-forest", dps_id, {"lot2", "lot4"}, "2024-02-01", "2026-03-08");

    const boost::json::object placement{{"category", "residential"}, {"placement_type", "children's home, single placement"},
                                        {"area", "E17"}, {"start_date", "2024-04-01"}, {"duration_weeks", 26},
                                        {"requirements", {"experience of supporting a 14 year old with autism", "education on site"}}};
    EXPECT_EQ(create("haringey", dps_id, "lot2", placement, "2024-03-15T12:00:00Z").status, 403) << "Haringey has not joined Newham's DPS";
    auto draft = create("waltham-forest", dps_id, "lot2", placement, "2024-03-15T12:00:00Z");
    ASSERT_EQ(draft.status, 201) << draft.body;
    const auto id = id_of(draft);
    EXPECT_EQ(draft.json().at("status"), "draft");
    EXPECT_EQ(call("riverside", "GET", co(id)).status, 404) << "a draft is the council's alone";
    ASSERT_EQ(call("waltham-forest:commissioner", "POST", co(id, "/publish")).json().at("status"), "open");

    // Only Newham's admitted, unsuspended Lot 2 providers see it; not Lot 4's, not the lead, not other councils.
    EXPECT_EQ(call("riverside", "GET", co(id)).status, 200);
    EXPECT_EQ(ids_in(call("oakwood", "GET", "/v1/call-offs").json()), std::set<std::int64_t>{id});
    EXPECT_EQ(call("northgate", "GET", co(id)).status, 404);
    EXPECT_TRUE(ids_in(call("northgate", "GET", "/v1/call-offs").json()).empty());
    EXPECT_EQ(call("shadyside", "GET", co(id)).status, 404) << "suspended";
    EXPECT_EQ(call("brightpath", "GET", co(id)).status, 404) << "never admitted";
    EXPECT_EQ(call("newham:commissioner", "GET", co(id)).status, 404) << "the lead does not see a partner's call-offs";
    EXPECT_EQ(call("haringey:commissioner", "GET", co(id)).status, 404);

    // Sealed bids: one live bid per provider, amend and withdraw until the deadline.
    auto riverside = call("riverside", "POST", co(id, "/bids"), {{"weekly_cost_pence", 550000}, {"earliest_start", "2024-04-01"}});
    ASSERT_EQ(riverside.status, 201) << riverside.body;
    EXPECT_EQ(riverside.json().at("total_pence"), 550000 * 26);
    EXPECT_EQ(call("riverside", "POST", co(id, "/bids"), {{"weekly_cost_pence", 500000}, {"earliest_start", "2024-04-01"}}).status, 409);
    auto oakwood = call("oakwood", "POST", co(id, "/bids"), {{"weekly_cost_pence", 600000}, {"earliest_start", "2024-04-01"}});
    ASSERT_EQ(oakwood.status, 201) << oakwood.body;
    const auto oakwood_bid = "/v1/bids/" + std::to_string(id_of(oakwood));
    auto amended = call("oakwood", "PATCH", oakwood_bid, {{"weekly_cost_pence", 520000}, {"earliest_start", "2024-04-01"}, {"notes", "sharpened"}});
    EXPECT_EQ(amended.json().at("total_pence"), 520000 * 26) << amended.body;
    EXPECT_EQ(call("riverside", "GET", oakwood_bid).status, 404) << "not another provider's bid";
    EXPECT_EQ(call("northgate", "POST", co(id, "/bids"), {{"weekly_cost_pence", 1}, {"earliest_start", "2024-04-01"}}).status, 404);
    EXPECT_EQ(call("shadyside", "POST", co(id, "/bids"), {{"weekly_cost_pence", 1}, {"earliest_start", "2024-04-01"}}).status, 404);

    auto sealed = call("waltham-forest:commissioner", "GET", co(id, "/bids"));
    ASSERT_EQ(sealed.status, 200) << sealed.body;
    EXPECT_EQ(sealed.json().at("sealed"), true);
    EXPECT_EQ(sealed.json().at("count"), 2);
    EXPECT_TRUE(sealed.json().at("items").as_array().empty()) << "what bids say stays sealed until the deadline";
    EXPECT_EQ(sealed.body.find("550000"), std::string::npos);
    EXPECT_EQ(call("waltham-forest:commissioner", "POST", co(id, "/evaluation")).status, 409);

    // After the deadline: no more amendments; Waltham Forest's default score_bid puts the cheapest first.
    move_to(year{2024} / March / 16);
    EXPECT_EQ(call("oakwood", "PATCH", oakwood_bid, {{"weekly_cost_pence", 1}, {"earliest_start", "2024-04-01"}}).status, 409);
    auto evaluated = call("waltham-forest:commissioner", "POST", co(id, "/evaluation"));
    ASSERT_EQ(evaluated.status, 200) << evaluated.body;
    const auto ranked = evaluated.json().at("items").as_array();
    ASSERT_EQ(ranked.size(), 2u);
    EXPECT_EQ(ranked[0].at("provider_name"), "oakwood");
    EXPECT_EQ(ranked[0].at("rank"), 1);
    EXPECT_EQ(ranked[1].at("provider_name"), "riverside");

    // The award follows Waltham Forest's route: the Corporate Director, and only that authority.
    auto award = call("waltham-forest:commissioner", "POST", co(id, "/award"), boost::json::object{});
    ASSERT_EQ(award.status, 201) << award.body;
    EXPECT_EQ(award.json().at("value_pence"), 520000 * 26);
    EXPECT_EQ(award.json().at("approvals").as_array().size(), 1u);
    EXPECT_EQ(award.json().at("approvals").at(0).at("authority"), "corporate_director");
    const auto award_path = "/v1/awards/" + std::to_string(id_of(award));
    EXPECT_EQ(call("waltham-forest:commissioner", "POST", award_path + "/approvals", {{"decision", "approve"}}).status, 403);
    auto wrong = call("waltham-forest:head_of_service", "POST", award_path + "/approvals", {{"decision", "approve"}});
    EXPECT_EQ(wrong.status, 403) << wrong.body;
    EXPECT_NE(wrong.body.find("corporate_director"), std::string::npos);
    EXPECT_EQ(call("newham:budget_holder", "POST", award_path + "/approvals", {{"decision", "approve"}}).status, 404);
    auto approved = call("waltham-forest:corporate_director", "POST", award_path + "/approvals",
                         {{"decision", "approve"}, {"comment", "value for money; matches the care plan"}});
    ASSERT_EQ(approved.status, 200) << approved.body;
    EXPECT_EQ(approved.json().at("status"), "approved");
    ASSERT_TRUE(approved.json().at("contract_id").is_int64());

    auto contract = call("oakwood", "GET", "/v1/contracts/" + std::to_string(approved.json().at("contract_id").as_int64()));
    ASSERT_EQ(contract.status, 200) << contract.body;
    EXPECT_EQ(contract.json().at("status"), "active");
    EXPECT_EQ(contract.json().at("tenant_id"), tenants_.at("waltham-forest"));
    EXPECT_EQ(contract.json().at("weekly_cost_pence"), 520000);
    EXPECT_EQ(contract.json().at("starts_on"), "2024-04-01");
    EXPECT_EQ(contract.json().at("ends_on"), "2024-09-29");
    EXPECT_EQ(contract.json().at("value_pence"), 520000 * 26);
    EXPECT_EQ(call("riverside", "GET", "/v1/contracts").json().at("items").as_array().size(), 0u);
    EXPECT_EQ(call("waltham-forest:commissioner", "GET", "/v1/contracts").json().at("items").as_array().size(), 1u);
    EXPECT_EQ(call("newham:commissioner", "GET", "/v1/contracts").json().at("items").as_array().size(), 0u);

    // Providers see their outcome; the call-off is awarded and cannot be awarded again.
    EXPECT_EQ(call("oakwood", "GET", oakwood_bid).json().at("status"), "awarded");
    auto lost = call("riverside", "GET", "/v1/bids/" + std::to_string(id_of(riverside)));
    EXPECT_EQ(lost.json().at("status"), "unsuccessful");
    EXPECT_EQ(lost.json().at("rank"), 2);
    EXPECT_EQ(call("waltham-forest:commissioner", "GET", co(id)).json().at("status"), "awarded");
    EXPECT_EQ(call("waltham-forest:commissioner", "POST", co(id, "/award"), boost::json::object{}).status, 409);
    // Each approval is in the decision history and the audit log.
    EXPECT_EQ(count_rows("SELECT count(*) FROM call_off_decisions WHERE entity_type = 'award_approval' AND action = 'approve' "
                         "AND reason LIKE 'corporate_director%'"),
              1);
    EXPECT_EQ(count_rows("SELECT count(*) FROM audit_log WHERE action = 'award_approval.approve'"), 1);
}

TEST_F(calloff, HaringeyAwardsFollowItsSchemeOfDelegation)
{
    const auto dps_id = open_dps("haringey", "2024-02-01", "2029-01-31");
    admit("haringey", "riverside", dps_id, "lot2");
    // 100 hours a week for 150 weeks: rates of 30, 50 and 60 pounds an hour make 450,000, 750,000 and 900,000 pounds.
    const std::vector<std::int64_t> rates{3000, 5000, 6000};
    std::vector<std::int64_t> calloffs;
    for (std::size_t i = 0; i < rates.size(); ++i) {
        calloffs.push_back(published("haringey", dps_id, "lot2", hourly_package("2024-05-01", 100, 150), "2024-03-20T12:00:00Z"));
        ASSERT_EQ(call("riverside", "POST", co(calloffs.back(), "/bids"),
                       {{"hourly_rate_pence", rates[i]}, {"hours_per_week", 100}, {"earliest_start", "2024-05-01"}}).status,
                  201);
    }
    move_to(year{2024} / March / 21);
    std::vector<boost::json::value> awards;
    for (auto id : calloffs) {
        ASSERT_EQ(call("haringey:commissioner", "POST", co(id, "/evaluation")).status, 200);
        auto a = call("haringey:commissioner", "POST", co(id, "/award"), boost::json::object{});
        ASSERT_EQ(a.status, 201) << a.body;
        awards.push_back(a.json());
    }
    EXPECT_EQ(awards[0].at("value_pence"), 45000000);
    EXPECT_EQ(awards[0].at("approvals"), boost::json::parse(R"([{"step":1,"authority":"director_childrens_services",)"
                                                            R"("in_consultation_with":[],"status":"pending","decided_by":null,)"
                                                            R"("comment":null,"decided_at":null}])"));
    EXPECT_EQ(awards[1].at("value_pence"), 75000000);
    EXPECT_EQ(awards[1].at("approvals").at(0).at("authority"), "director_childrens_services");
    EXPECT_EQ(awards[1].at("approvals").at(0).at("in_consultation_with"), boost::json::parse(R"(["lead_member"])"));
    EXPECT_EQ(awards[2].at("value_pence"), 90000000);
    EXPECT_EQ(awards[2].at("approvals").at(0).at("authority"), "cabinet");

    // The Director cannot sign the key decision; Cabinet can.
    const auto path = [&](std::size_t i) { return "/v1/awards/" + std::to_string(awards[i].at("id").as_int64()) + "/approvals"; };
    EXPECT_EQ(call("haringey:director_childrens_services", "POST", path(2), {{"decision", "approve"}}).status, 403);
    EXPECT_EQ(call("haringey:cabinet", "POST", path(2), {{"decision", "approve"}}).json().at("status"), "approved");
    auto consulted = call("haringey:director_childrens_services", "POST", path(1), {{"decision", "approve"}, {"comment", "Lead Member consulted"}});
    EXPECT_EQ(consulted.json().at("status"), "approved") << consulted.body;
    EXPECT_EQ(count_rows("SELECT count(*) FROM call_off_decisions WHERE entity_type = 'award_approval' "
                         "AND reason LIKE 'director_childrens_services in consultation with lead_member%'"),
              1);
    // A rejection needs a reason and sends the call-off back to evaluated for another proposal.
    EXPECT_EQ(call("haringey:director_childrens_services", "POST", path(0), {{"decision", "reject"}}).status, 400);
    auto rejected = call("haringey:director_childrens_services", "POST", path(0), {{"decision", "reject"}, {"comment", "over the budget line"}});
    EXPECT_EQ(rejected.json().at("status"), "rejected") << rejected.body;
    EXPECT_EQ(call("haringey:commissioner", "GET", co(calloffs[0])).json().at("status"), "evaluated");
    EXPECT_EQ(call("haringey:commissioner", "GET", "/v1/contracts").json().at("items").as_array().size(), 2u);
}

TEST_F(calloff, PeterboroughsSpendAuthorityHoldsUnderFiftyConcurrentAwards)
{
    move_to(year{2021} / September / 1);
    const auto dps_id = open_dps("cambridgeshire", "2021-04-01", "2025-03-31");
    admit("cambridgeshire", "riverside", dps_id, "community-support");
    join("cambridgeshire", "peterborough", dps_id, {"community-support"}, "2021-04-01", "2025-03-31");
    // 10 hours a week for 50 weeks at 20 pounds an hour: 10,000 pounds each, 50 of them against 310,000 pounds.
    std::vector<std::int64_t> calloffs;
    for (int i = 0; i < 50; ++i) {
        calloffs.push_back(published("peterborough", dps_id, "community-support", hourly_package("2021-11-01", 10, 50), "2021-09-15T12:00:00Z"));
        ASSERT_EQ(call("riverside", "POST", co(calloffs.back(), "/bids"),
                       {{"hourly_rate_pence", 2000}, {"hours_per_week", 10}, {"earliest_start", "2021-11-01"}}).status,
                  201);
    }
    move_to(year{2021} / October / 1);
    std::vector<std::string> approvals;
    for (auto id : calloffs) {
        ASSERT_EQ(call("peterborough:commissioner", "POST", co(id, "/evaluation")).status, 200);
        auto a = call("peterborough:commissioner", "POST", co(id, "/award"), boost::json::object{});
        ASSERT_EQ(a.status, 201) << a.body;
        EXPECT_EQ(a.json().at("value_pence"), 1000000);
        approvals.push_back("/v1/awards/" + std::to_string(id_of(a)) + "/approvals");
    }
    std::atomic<int> contracts{0}, refused{0}, other{0};
    std::mutex m;
    std::string refusal;
    std::vector<std::thread> threads;
    const std::string token = tokens_.at("peterborough:executive_director");
    for (const auto& path : approvals)
        threads.emplace_back([&, path] {
            test::https_client client(platform_.port());
            auto r = client.send("POST", path, R"({"decision":"approve"})",
                                 {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token}});
            if (r.status == 200) ++contracts;
            else if (r.status == 409 && r.json().at("error").at("code") == "spend_authority_exceeded") {
                ++refused;
                std::lock_guard lock(m);
                refusal = std::string(r.json().at("error").at("message").as_string());
            } else {
                ++other;
                std::lock_guard lock(m);
                ADD_FAILURE() << r.status << " " << r.body;
            }
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(contracts.load(), 31);
    EXPECT_EQ(refused.load(), 19);
    EXPECT_EQ(other.load(), 0);
    EXPECT_NE(refusal.find("headroom left: £0.00"), std::string::npos) << refusal;
    EXPECT_NE(refusal.find("£310,000.00"), std::string::npos) << refusal;
    auto list = call("peterborough:commissioner", "GET", "/v1/contracts").json();
    EXPECT_EQ(list.at("items").as_array().size(), 31u);
    EXPECT_EQ(count_rows("SELECT sum(value_pence) FROM contracts WHERE tenant_id = " + std::to_string(tenants_.at("peterborough"))),
              31000000);
}

TEST_F(calloff, TwoConcurrentAwardsOnOneCallOffYieldOneContract)
{
    const auto dps_id = open_dps("newham", "2024-02-01", "2026-03-08");
    admit("newham", "riverside", dps_id, "semi-independent-16plus");
    admit("newham", "oakwood", dps_id, "semi-independent-16plus");
    const auto id = published("newham", dps_id, "semi-independent-16plus", hourly_package("2024-04-01", 20, 10), "2024-03-10T12:00:00Z");
    auto first = call("riverside", "POST", co(id, "/bids"), {{"hourly_rate_pence", 2500}, {"hours_per_week", 20}, {"earliest_start", "2024-04-01"}});
    auto second = call("oakwood", "POST", co(id, "/bids"), {{"hourly_rate_pence", 2600}, {"hours_per_week", 20}, {"earliest_start", "2024-04-01"}});
    move_to(year{2024} / March / 11);
    ASSERT_EQ(call("newham:commissioner", "POST", co(id, "/evaluation")).status, 200);

    // Two officers press award at once, for different bids: one award.
    std::vector<int> statuses(2);
    std::vector<std::int64_t> award_ids(2, 0);
    {
        std::vector<std::thread> threads;
        const std::vector<std::pair<std::string, std::int64_t>> pressing{{"newham:commissioner", id_of(first)}, {"newham:tenant_admin", id_of(second)}};
        for (std::size_t i = 0; i < 2; ++i)
            threads.emplace_back([&, i] {
                test::https_client client(platform_.port());
                auto r = client.send("POST", co(id, "/award"), boost::json::serialize(boost::json::object{{"bid_id", pressing[i].second}}),
                                     {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + tokens_.at(pressing[i].first)}});
                statuses[i] = r.status;
                if (r.status == 201) award_ids[i] = id_of(r);
            });
        for (auto& t : threads) t.join();
    }
    std::sort(statuses.begin(), statuses.end());
    EXPECT_EQ(statuses, (std::vector<int>{201, 409}));
    const auto award_id = std::max(award_ids[0], award_ids[1]);
    // And the approver's double click: one contract.
    {
        std::vector<std::thread> threads;
        std::atomic<int> ok{0};
        for (int i = 0; i < 2; ++i)
            threads.emplace_back([&] {
                test::https_client client(platform_.port());
                auto r = client.send("POST", "/v1/awards/" + std::to_string(award_id) + "/approvals", R"({"decision":"approve"})",
                                     {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + tokens_.at("newham:budget_holder")}});
                if (r.status == 200) ++ok;
            });
        for (auto& t : threads) t.join();
        EXPECT_EQ(ok.load(), 1);
    }
    EXPECT_EQ(count_rows("SELECT count(*) FROM contracts WHERE call_off_id = " + std::to_string(id)), 1);
    EXPECT_EQ(count_rows("SELECT count(*) FROM awards WHERE call_off_id = " + std::to_string(id)), 1);
}

TEST_F(calloff, IdempotentRetriesCreateNothingTwice)
{
    const auto dps_id = open_dps("newham", "2024-02-01", "2026-03-08");
    admit("newham", "riverside", dps_id, "lot4");
    const auto package = hourly_package("2024-04-01", 10, 4);
    auto made = create("newham", dps_id, "lot4", package, "2024-03-10T12:00:00Z", "create-1");
    ASSERT_EQ(made.status, 201) << made.body;
    auto again = create("newham", dps_id, "lot4", package, "2024-03-10T12:00:00Z", "create-1");
    EXPECT_EQ(again.status, 201);
    EXPECT_EQ(id_of(again), id_of(made));
    EXPECT_EQ(again.header("idempotent-replayed"), "true");
    EXPECT_EQ(create("newham", dps_id, "lot4", hourly_package("2024-04-01", 11, 4), "2024-03-10T12:00:00Z", "create-1").status, 422)
        << "the same key for a different request";
    EXPECT_EQ(call("newham:commissioner", "GET", "/v1/call-offs").json().at("items").as_array().size(), 1u);
    // A refused request keeps nothing: the same key works once the request is right.
    EXPECT_EQ(create("newham", dps_id, "lot9", package, "2024-03-10T12:00:00Z", "create-2").status, 404);
    EXPECT_EQ(create("newham", dps_id, "lot4", package, "2024-03-10T12:00:00Z", "create-3").status, 201);
    EXPECT_EQ(call("newham:commissioner", "GET", "/v1/call-offs").json().at("items").as_array().size(), 2u);

    const auto id = id_of(made);
    ASSERT_EQ(call("newham:commissioner", "POST", co(id, "/publish")).status, 200);
    const boost::json::object bid{{"hourly_rate_pence", 2400}, {"hours_per_week", 10}, {"earliest_start", "2024-04-01"}};
    auto b1 = call("riverside", "POST", co(id, "/bids"), bid, "bid-1");
    auto b2 = call("riverside", "POST", co(id, "/bids"), bid, "bid-1");
    ASSERT_EQ(b1.status, 201) << b1.body;
    EXPECT_EQ(b2.status, 201);
    EXPECT_EQ(id_of(b1), id_of(b2));
    move_to(year{2024} / March / 11);
    ASSERT_EQ(call("newham:commissioner", "POST", co(id, "/evaluation")).status, 200);
    auto a1 = call("newham:commissioner", "POST", co(id, "/award"), boost::json::object{}, "award-1");
    auto a2 = call("newham:commissioner", "POST", co(id, "/award"), boost::json::object{}, "award-1");
    ASSERT_EQ(a1.status, 201) << a1.body;
    EXPECT_EQ(a2.status, 201);
    EXPECT_EQ(id_of(a1), id_of(a2));
    EXPECT_EQ(call("newham:commissioner", "POST", co(id, "/award"), boost::json::object{}).status, 409) << "a new press is a new award";
    const auto approvals = "/v1/awards/" + std::to_string(id_of(a1)) + "/approvals";
    EXPECT_EQ(call("newham:budget_holder", "POST", approvals, {{"decision", "approve"}}, "approve-1").status, 200);
    EXPECT_EQ(call("newham:budget_holder", "POST", approvals, {{"decision", "approve"}}, "approve-1").status, 200);
    EXPECT_EQ(count_rows("SELECT count(*) FROM call_offs"), 2);
    EXPECT_EQ(count_rows("SELECT count(*) FROM bids"), 1);
    EXPECT_EQ(count_rows("SELECT count(*) FROM awards"), 1);
    EXPECT_EQ(count_rows("SELECT count(*) FROM contracts"), 1);
    EXPECT_EQ(count_rows("SELECT count(*) FROM call_off_decisions WHERE entity_type = 'award_approval'"), 1);
}

TEST_F(calloff, AnIdempotencyReservationLeftPendingExpiresAfterAMinute)
{
    const auto dps_id = open_dps("newham", "2024-02-01", "2026-03-08");
    const auto package = hourly_package("2024-04-01", 10, 4);
    const boost::json::object body{{"lot_code", "lot4"}, {"title", "Package lot4"}, {"bid_deadline", "2024-03-10T12:00:00Z"}, {"package", package}};
    const std::string digest = sha256_hex("POST " + dps_path(dps_id, "/call-offs") + "\n" + boost::json::serialize(body));
    // As if the process had stopped between reserving the key and settling it.
    auto reserve = [&](const std::string& key, const std::string& at) {
        auto done = platform_.app().database().transact(db::scope::platform(), [&](soci::session& sql) -> status {
            long long user = users_.at("newham:commissioner"), tenant = tenants_.at("newham");
            sql << "INSERT INTO idempotency_keys (user_id, tenant_id, idempotency_key, request_digest, state, created_at) "
                   "VALUES (:u, :t, :k, :d, 'pending', :at)",
                soci::use(user), soci::use(tenant), soci::use(key), soci::use(digest), soci::use(at);
            return ok_status();
        });
        ASSERT_TRUE(done.ok()) << done.err().message;
    };
    reserve("recent", format_timestamp(clock_->now() - seconds{30}));
    reserve("stale", format_timestamp(clock_->now() - seconds{61}));
    auto busy = call("newham:commissioner", "POST", dps_path(dps_id, "/call-offs"), body, "recent");
    EXPECT_EQ(busy.status, 409) << busy.body;
    EXPECT_EQ(busy.json().at("error").at("code"), "idempotency_in_progress");
    auto taken = call("newham:commissioner", "POST", dps_path(dps_id, "/call-offs"), body, "stale");
    ASSERT_EQ(taken.status, 201) << taken.body;
    auto replay = call("newham:commissioner", "POST", dps_path(dps_id, "/call-offs"), body, "stale");
    EXPECT_EQ(id_of(replay), id_of(taken));
    EXPECT_EQ(replay.header("idempotent-replayed"), "true");
    EXPECT_EQ(count_rows("SELECT count(*) FROM call_offs"), 1);
}

TEST_F(calloff, ASuspendedProviderCanNeitherSeeNorBid)
{
    const auto dps_id = open_dps("newham", "2024-02-01", "2026-03-08");
    const auto application = admit("newham", "shadyside", dps_id, "lot4");
    const auto id = published("newham", dps_id, "lot4", hourly_package("2024-04-01", 10, 4), "2024-03-10T12:00:00Z");
    EXPECT_EQ(call("shadyside", "GET", co(id)).status, 200);
    const auto decision = "/v1/applications/" + std::to_string(application) + "/decision";
    ASSERT_EQ(call("newham:commissioner", "POST", decision,
                   {{"action", "suspend"}, {"reason", "not paying the London Living Wage"}, {"evidence_required", "payroll"}}).status,
              200);
    EXPECT_EQ(call("shadyside", "GET", co(id)).status, 404);
    EXPECT_TRUE(ids_in(call("shadyside", "GET", "/v1/call-offs").json()).empty());
    EXPECT_EQ(call("shadyside", "POST", co(id, "/bids"), {{"hourly_rate_pence", 2400}, {"hours_per_week", 10}, {"earliest_start", "2024-04-01"}})
                  .status,
              404);
    ASSERT_EQ(call("newham:commissioner", "POST", decision, {{"action", "reinstate"}}).status, 200);
    EXPECT_EQ(call("shadyside", "GET", co(id)).status, 200) << "reinstated";
    // A provider admitted while the call-off is open sees it too.
    EXPECT_EQ(call("brightpath", "GET", co(id)).status, 404);
    admit("newham", "brightpath", dps_id, "lot4");
    EXPECT_EQ(call("brightpath", "GET", co(id)).status, 200);
}

TEST_F(calloff, PersonalDataInAPackageIsRefused)
{
    const auto dps_id = open_dps("newham", "2024-02-01", "2026-03-08");
    const auto base = hourly_package("2024-04-01", 10, 4);
    const std::vector<std::tuple<std::string, boost::json::value, std::string>> cases{
        {"child_name", "Jane Doe", "package.child_name"},
        {"date_of_birth", "2012-03-04", "package.date_of_birth"},
        {"nhs_number", "9434765919", "package.nhs_number"},
        {"area", "E15 4HT", "package.area"},
        {"requirements", boost::json::array{"lives at E15 4HT with grandparents"}, "package.requirements[0]"},
        {"requirements", "NHS number 943 476 5919 on file", "package.requirements"},
        {"requirements", "born 12/03/2015, needs support at school", "package.requirements"},
        {"requirements", "Name: Jane, prefers female carers", "package.requirements"},
    };
    for (const auto& [field, value, named] : cases) {
        auto package = base;
        package[field] = value;
        auto r = create("newham", dps_id, "lot4", package, "2024-03-10T12:00:00Z");
        EXPECT_EQ(r.status, 400) << field << ": " << r.body;
        EXPECT_EQ(r.json().at("error").at("code"), "personal_data") << r.body;
        const std::string message{r.json().at("error").at("message").as_string()};
        EXPECT_EQ(message.rfind(named + ":", 0), 0u) << message;
        EXPECT_EQ(message.find("4HT"), std::string::npos) << "the refusal does not repeat the data";
        EXPECT_EQ(message.find("5919"), std::string::npos);
    }
    EXPECT_EQ(count_rows("SELECT count(*) FROM call_offs"), 0);
    EXPECT_EQ(create("newham", dps_id, "lot4", base, "2024-03-10T12:00:00Z").status, 201) << "the anonymised package is fine";
}

TEST_F(calloff, AnUnfilledCallOffRecordsTheSpotPurchase)
{
    const auto dps_id = open_dps("newham", "2024-02-01", "2026-03-08");
    const auto id = published("newham", dps_id, "lot4", hourly_package("2024-04-01", 12, 8), "2024-03-10T12:00:00Z");
    const boost::json::object spot{{"provider_name", "Eastside Care Ltd"}, {"hourly_rate_pence", 2900}, {"hours_per_week", 12},
                                   {"cost_pence", 2900 * 12 * 8}, {"reason", "no bids arrived"}};
    EXPECT_EQ(call("newham:commissioner", "POST", co(id, "/unfilled"), spot).status, 409) << "still open for bids";
    move_to(year{2024} / March / 11);
    auto closed = call("newham:commissioner", "POST", co(id, "/unfilled"), spot);
    ASSERT_EQ(closed.status, 201) << closed.body;
    EXPECT_EQ(closed.json().at("cost_pence"), 2900 * 12 * 8);
    EXPECT_EQ(call("newham:commissioner", "GET", co(id)).json().at("status"), "unfilled");
    EXPECT_EQ(call("newham:commissioner", "POST", co(id, "/unfilled"), spot).status, 409);
    EXPECT_EQ(call("newham:commissioner", "POST", co(id, "/evaluation")).status, 409);
    EXPECT_EQ(count_rows("SELECT count(*) FROM spot_purchases WHERE provider_name = 'Eastside Care Ltd'"), 1);
}

// The negotiation round: Newham shortlists two of three bids for best and final offers.
TEST_F(calloff, AShortlistedProviderImprovesItsOfferInTheNegotiationRoundAndWins)
{
    const auto dps_id = open_dps("newham", "2024-02-01", "2026-03-08");
    for (const char* provider : {"riverside", "oakwood", "northgate"}) admit("newham", provider, dps_id, "lot4");
    const auto id = published("newham", dps_id, "lot4", hourly_package("2024-04-01", 12, 8), "2024-03-10T12:00:00Z");
    std::map<std::string, std::int64_t> bid_of;
    for (const auto& [provider, rate] : std::map<std::string, std::int64_t>{{"riverside", 2500}, {"oakwood", 2400}, {"northgate", 2600}}) {
        auto b = call(provider, "POST", co(id, "/bids"), {{"hourly_rate_pence", rate}, {"hours_per_week", 12}, {"earliest_start", "2024-04-01"}});
        ASSERT_EQ(b.status, 201) << b.body;
        bid_of[provider] = id_of(b);
    }
    const auto bid_path = [&](const std::string& provider) { return "/v1/bids/" + std::to_string(bid_of.at(provider)); };
    const boost::json::array shortlist{bid_of.at("riverside"), bid_of.at("oakwood")};
    EXPECT_EQ(call("newham:commissioner", "POST", co(id, "/negotiation"), {{"bid_ids", shortlist}, {"bafo_deadline", "2024-03-13T12:00:00Z"}}).status,
              409)
        << "not before the bids are evaluated";
    move_to(year{2024} / March / 11);
    ASSERT_EQ(call("newham:commissioner", "POST", co(id, "/evaluation")).status, 200);

    // Refused: a deadline already past, a bid that is not on this call-off, a provider asking.
    EXPECT_EQ(call("newham:commissioner", "POST", co(id, "/negotiation"), {{"bid_ids", shortlist}, {"bafo_deadline", "2024-03-10T12:00:00Z"}}).status,
              400);
    EXPECT_EQ(call("newham:commissioner", "POST", co(id, "/negotiation"), {{"bid_ids", boost::json::array{999999}}, {"bafo_deadline", "2024-03-13T12:00:00Z"}}).status,
              400);
    EXPECT_EQ(call("newham:commissioner", "POST", co(id, "/negotiation"), {{"bafo_deadline", "2024-03-13T12:00:00Z"}}).status, 400);
    EXPECT_EQ(call("riverside", "POST", co(id, "/negotiation"), {{"bid_ids", shortlist}, {"bafo_deadline", "2024-03-13T12:00:00Z"}}).status, 404);
    auto round = call("newham:commissioner", "POST", co(id, "/negotiation"), {{"bid_ids", shortlist}, {"bafo_deadline", "2024-03-13T12:00:00Z"}},
                      "bafo-1");
    ASSERT_EQ(round.status, 201) << round.body;
    EXPECT_EQ(round.json().at("status"), "negotiating");
    EXPECT_EQ(round.json().at("negotiation").at("bafo_deadline"), "2024-03-13T12:00:00.000Z");
    EXPECT_EQ(round.json().at("negotiation").at("shortlisted_bid_ids").as_array().size(), 2u);
    EXPECT_EQ(call("newham:commissioner", "POST", co(id, "/negotiation"), {{"bid_ids", shortlist}, {"bafo_deadline", "2024-03-13T12:00:00Z"}},
                   "bafo-1").body,
              round.body)
        << "an idempotent retry replays the first answer";
    EXPECT_EQ(call("riverside", "GET", co(id)).json().at("negotiation").at("shortlisted"), true);
    auto outside = call("northgate", "GET", co(id)).json().at("negotiation");
    EXPECT_EQ(outside.at("shortlisted"), false);
    EXPECT_FALSE(outside.as_object().contains("shortlisted_bid_ids")) << "a provider does not learn who else is shortlisted";

    // Only the shortlisted amend, as best and final offers; no award while the round is open.
    auto refused = call("northgate", "PATCH", bid_path("northgate"), {{"hourly_rate_pence", 2000}, {"hours_per_week", 12}, {"earliest_start", "2024-04-01"}});
    EXPECT_EQ(refused.status, 409) << refused.body;
    EXPECT_EQ(refused.json().at("error").at("code"), "not_shortlisted");
    EXPECT_EQ(call("northgate", "POST", bid_path("northgate") + "/withdraw").status, 409);
    auto bafo = call("riverside", "PATCH", bid_path("riverside"),
                     {{"hourly_rate_pence", 2300}, {"hours_per_week", 12}, {"earliest_start", "2024-04-01"}, {"notes", "best and final"}});
    ASSERT_EQ(bafo.status, 200) << bafo.body;
    EXPECT_EQ(bafo.json().at("total_pence"), 2300 * 12 * 8);
    auto early = call("newham:commissioner", "POST", co(id, "/award"), boost::json::object{});
    EXPECT_EQ(early.status, 409) << early.body;
    EXPECT_EQ(early.json().at("error").at("code"), "illegal_transition");
    EXPECT_EQ(call("newham:commissioner", "POST", co(id, "/unfilled"), {{"provider_name", "Spot Ltd"}, {"cost_pence", 100}}).status, 409);

    move_to(year{2024} / March / 14);
    EXPECT_EQ(call("riverside", "PATCH", bid_path("riverside"), {{"hourly_rate_pence", 2200}, {"hours_per_week", 12}, {"earliest_start", "2024-04-01"}})
                  .json().at("error").at("code"),
              "deadline_passed");
    auto rescored = call("newham:commissioner", "POST", co(id, "/evaluation"));
    ASSERT_EQ(rescored.status, 200) << rescored.body;
    const auto ranked = rescored.json().at("items").as_array();
    ASSERT_EQ(ranked.size(), 3u);
    EXPECT_EQ(ranked[0].at("provider_name"), "riverside");
    EXPECT_EQ(ranked[1].at("provider_name"), "oakwood");
    EXPECT_EQ(ranked[2].at("provider_name"), "northgate") << "not shortlisted: after the best and final offers";
    EXPECT_EQ(ranked[2].at("rank"), 3);
    auto not_listed = call("newham:commissioner", "POST", co(id, "/award"), {{"bid_id", bid_of.at("northgate")}});
    EXPECT_EQ(not_listed.status, 409) << not_listed.body;
    EXPECT_EQ(not_listed.json().at("error").at("code"), "not_shortlisted");

    auto award = call("newham:commissioner", "POST", co(id, "/award"), boost::json::object{});
    ASSERT_EQ(award.status, 201) << award.body;
    EXPECT_EQ(award.json().at("bid_id"), bid_of.at("riverside"));
    EXPECT_EQ(award.json().at("value_pence"), 2300 * 12 * 8);
    const std::string authority{award.json().at("approvals").at(0).at("authority").as_string()};
    auto approved = call("newham:" + authority, "POST", "/v1/awards/" + std::to_string(id_of(award)) + "/approvals", {{"decision", "approve"}});
    ASSERT_EQ(approved.status, 200) << approved.body;
    auto contract = call("riverside", "GET", "/v1/contracts/" + std::to_string(approved.json().at("contract_id").as_int64()));
    EXPECT_EQ(contract.json().at("hourly_rate_pence"), 2300) << contract.body;
    EXPECT_EQ(call("northgate", "GET", bid_path("northgate")).json().at("status"), "unsuccessful");
    EXPECT_EQ(count_rows("SELECT count(*) FROM call_off_decisions WHERE entity_type = 'bid' AND action = 'bafo'"), 1);
    EXPECT_EQ(count_rows("SELECT count(*) FROM audit_log WHERE action = 'call_off.negotiate'"), 1);
    EXPECT_EQ(count_rows("SELECT count(*) FROM negotiation_rounds"), 1);
}

TEST_F(calloff, BestAndFinalOffersStaySealedAndASecondRoundIsRefused)
{
    const auto dps_id = open_dps("newham", "2024-02-01", "2026-03-08");
    admit("newham", "riverside", dps_id, "lot4");
    admit("newham", "oakwood", dps_id, "lot4");
    const auto id = published("newham", dps_id, "lot4", hourly_package("2024-04-01", 12, 8), "2024-03-10T12:00:00Z");
    auto riverside = call("riverside", "POST", co(id, "/bids"), {{"hourly_rate_pence", 2500}, {"hours_per_week", 12}, {"earliest_start", "2024-04-01"}});
    auto oakwood = call("oakwood", "POST", co(id, "/bids"), {{"hourly_rate_pence", 2400}, {"hours_per_week", 12}, {"earliest_start", "2024-04-01"}});
    ASSERT_EQ(riverside.status, 201);
    ASSERT_EQ(oakwood.status, 201);
    move_to(year{2024} / March / 11);
    ASSERT_EQ(call("newham:commissioner", "POST", co(id, "/evaluation")).status, 200);
    const boost::json::object ask{{"bid_ids", {id_of(riverside), id_of(oakwood)}}, {"bafo_deadline", "2024-03-13T12:00:00Z"}};
    ASSERT_EQ(call("newham:commissioner", "POST", co(id, "/negotiation"), ask).status, 201);
    auto second = call("newham:commissioner", "POST", co(id, "/negotiation"), ask);
    EXPECT_EQ(second.status, 409) << second.body;
    EXPECT_EQ(second.json().at("error").at("code"), "negotiation_held");
    ASSERT_EQ(call("riverside", "PATCH", "/v1/bids/" + std::to_string(id_of(riverside)),
                   {{"hourly_rate_pence", 1999}, {"hours_per_week", 12}, {"earliest_start", "2024-04-01"}})
                  .status,
              200);

    // Until the round's deadline the council sees how many offers stand, not what they say, nor who made them.
    auto sealed = call("newham:commissioner", "GET", co(id, "/bids"));
    ASSERT_EQ(sealed.status, 200) << sealed.body;
    EXPECT_EQ(sealed.json().at("sealed"), true);
    EXPECT_EQ(sealed.json().at("count"), 2);
    EXPECT_TRUE(sealed.json().at("items").as_array().empty());
    EXPECT_EQ(sealed.body.find("1999"), std::string::npos);
    auto evaluation = call("newham:commissioner", "POST", co(id, "/evaluation"));
    EXPECT_EQ(evaluation.status, 409);
    EXPECT_EQ(evaluation.json().at("error").at("code"), "bids_sealed");
    auto history = call("newham:commissioner", "GET", co(id, "/history"));
    ASSERT_EQ(history.status, 200) << history.body;
    const auto riverside_user = "user:" + std::to_string(users_.at("riverside"));
    EXPECT_EQ(history.body.find(riverside_user), std::string::npos) << "who made an offer stays sealed too";
    std::vector<std::string> actions;
    const auto items = history.json().at("items").as_array();
    for (const auto& d : items)
        actions.push_back(std::string{d.at("entity_type").as_string()} + "." + std::string{d.at("action").as_string()});
    EXPECT_EQ(actions, (std::vector<std::string>{"call_off.create", "call_off.publish", "bid.submit", "bid.submit", "call_off.evaluate",
                                                 "bid.shortlist", "bid.shortlist", "call_off.negotiate", "bid.bafo"}));
    EXPECT_EQ(call("newham:budget_holder", "GET", co(id, "/history")).status, 200);
    EXPECT_EQ(call("waltham-forest:commissioner", "GET", co(id, "/history")).status, 404);
    EXPECT_EQ(call("riverside", "GET", co(id, "/history")).status, 404);

    // From the deadline (noon) the offers open and the history names who made them; the round stays the only one.
    move_to(year{2024} / March / 13);
    auto open = call("newham:commissioner", "GET", co(id, "/bids"));
    EXPECT_EQ(open.json().at("sealed"), false) << open.body;
    EXPECT_NE(open.body.find("1999"), std::string::npos);
    EXPECT_NE(call("newham:commissioner", "GET", co(id, "/history")).body.find(riverside_user), std::string::npos);
    ASSERT_EQ(call("newham:commissioner", "POST", co(id, "/evaluation")).status, 200);
    auto again = call("newham:commissioner", "POST", co(id, "/negotiation"),
                      {{"bid_ids", {id_of(riverside), id_of(oakwood)}}, {"bafo_deadline", "2024-03-20T12:00:00Z"}});
    EXPECT_EQ(again.status, 409) << again.body;
    EXPECT_EQ(again.json().at("error").at("code"), "negotiation_held");
    EXPECT_EQ(call("newham:commissioner", "GET", co(id)).json().at("status"), "evaluated");
}

// Contracts after award: variations, extensions, uplifts, block arrangements, ending.
namespace {
class calloff_contracts : public test::calloff_contracts_fixture {};
} // namespace

TEST_F(calloff_contracts, AVariationIsRoutedByTheContractsNewValueAndCanNeedAHigherAuthority)
{
    // 30 pounds an hour, 100 hours a week, 150 weeks: 450,000 pounds, the Director's alone.
    const auto id = haringey_contract(3000, 100, 150);
    auto before = call("haringey:commissioner", "GET", ct(id)).json();
    ASSERT_EQ(before.at("value_pence"), 45000000);
    ASSERT_EQ(before.at("ends_on"), "2027-03-16");

    // From week 71 the rate rises to 80 pounds: 70 weeks at 30 and 80 at 80 make 850,000 pounds, above the delegation.
    auto v = call("haringey:commissioner", "POST", ct(id, "/variations"),
                  {{"hourly_rate_pence", 8000}, {"effective_on", "2025-09-03"}, {"reason", "needs two carers from September 2025"}});
    ASSERT_EQ(v.status, 201) << v.body;
    EXPECT_EQ(v.json().at("kind"), "variation");
    EXPECT_EQ(v.json().at("contract_id"), id);
    EXPECT_EQ(v.json().at("value_pence"), 3000 * 100 * 70 + 8000 * 100 * 80);
    ASSERT_EQ(v.json().at("approvals").as_array().size(), 1u);
    EXPECT_EQ(v.json().at("approvals").at(0).at("authority"), "cabinet") << "the award was the Director's; its variation is Cabinet's";
    EXPECT_EQ(call("riverside", "POST", ct(id, "/variations"), {{"hourly_rate_pence", 9000}}).status, 403);
    EXPECT_EQ(call("haringey:commissioner", "GET", ct(id)).json().at("hourly_rate_pence"), 3000) << "nothing changes before approval";

    auto director = call("haringey:director_childrens_services", "POST", approvals(v), {{"decision", "approve"}});
    EXPECT_EQ(director.status, 403);
    EXPECT_NE(director.body.find("cabinet"), std::string::npos);
    auto cabinet = call("haringey:cabinet", "POST", approvals(v), {{"decision", "approve"}, {"comment", "key decision taken"}});
    ASSERT_EQ(cabinet.status, 200) << cabinet.body;
    EXPECT_EQ(cabinet.json().at("status"), "approved");

    auto after = call("riverside", "GET", ct(id));
    ASSERT_EQ(after.status, 200) << after.body;
    EXPECT_EQ(after.json().at("hourly_rate_pence"), 8000);
    EXPECT_EQ(after.json().at("value_pence"), 85000000);
    EXPECT_EQ(after.json().at("ends_on"), "2027-03-16");
    EXPECT_EQ(after.json().at("status"), "active");
    const auto changes = after.json().at("changes").as_array();
    ASSERT_EQ(changes.size(), 1u);
    EXPECT_EQ(changes[0].at("status"), "applied");
    EXPECT_EQ(changes[0].at("effective_on"), "2025-09-03");
    EXPECT_EQ(changes[0].at("before").at("hourly_rate_pence"), 3000);
    EXPECT_EQ(changes[0].at("change_pence"), 40000000);
    EXPECT_EQ(call("haringey:commissioner", "GET", co(after.json().at("call_off_id").as_int64())).json().at("status"), "awarded");
    EXPECT_EQ(count_rows("SELECT count(*) FROM call_off_decisions WHERE entity_type = 'contract' AND action = 'vary'"), 1);
    EXPECT_EQ(count_rows("SELECT count(*) FROM audit_log WHERE action = 'contract.vary'"), 1);
    EXPECT_EQ(count_rows("SELECT count(*) FROM contracts"), 1) << "a variation makes no new contract";
}

TEST_F(calloff_contracts, AnExtensionGoesThroughTheRouteAndARefusalLeavesTheContractUnchanged)
{
    const auto id = haringey_contract(3000, 100, 150);
    EXPECT_EQ(call("haringey:commissioner", "POST", ct(id, "/variations"), boost::json::object{}).status, 400) << "nothing to vary";
    EXPECT_EQ(call("haringey:commissioner", "POST", ct(id, "/variations"), {{"ends_on", "2027-08-03"}, {"effective_on", "2025-01-01"}}).status, 400);
    // Twenty more weeks: 510,000 pounds in all, the Director in consultation with the Lead Member.
    auto e = call("haringey:commissioner", "POST", ct(id, "/variations"), {{"ends_on", "2027-08-03"}});
    ASSERT_EQ(e.status, 201) << e.body;
    EXPECT_EQ(e.json().at("kind"), "extension");
    EXPECT_EQ(e.json().at("value_pence"), 45000000 + 3000 * 100 * 20);
    EXPECT_EQ(e.json().at("approvals").at(0).at("authority"), "director_childrens_services");
    EXPECT_EQ(e.json().at("approvals").at(0).at("in_consultation_with"), boost::json::parse(R"(["lead_member"])"));
    auto second = call("haringey:commissioner", "POST", ct(id, "/variations"), {{"hourly_rate_pence", 3100}});
    EXPECT_EQ(second.status, 409) << second.body;
    EXPECT_EQ(second.json().at("error").at("code"), "change_pending");

    EXPECT_EQ(call("haringey:director_childrens_services", "POST", approvals(e), {{"decision", "reject"}}).status, 400) << "a refusal says why";
    auto refused = call("haringey:director_childrens_services", "POST", approvals(e), {{"decision", "reject"}, {"comment", "re-tender instead"}});
    ASSERT_EQ(refused.status, 200) << refused.body;
    EXPECT_EQ(refused.json().at("status"), "rejected");
    auto unchanged = call("haringey:commissioner", "GET", ct(id)).json();
    EXPECT_EQ(unchanged.at("ends_on"), "2027-03-16");
    EXPECT_EQ(unchanged.at("value_pence"), 45000000);
    EXPECT_EQ(unchanged.at("hourly_rate_pence"), 3000);
    EXPECT_EQ(unchanged.at("changes").at(0).at("status"), "rejected");
    EXPECT_EQ(call("haringey:commissioner", "GET", co(unchanged.at("call_off_id").as_int64())).json().at("status"), "awarded");

    // Asked again and approved, the contract runs on.
    auto again = call("haringey:commissioner", "POST", ct(id, "/variations"), {{"ends_on", "2027-08-03"}}, "extend-1");
    ASSERT_EQ(again.status, 201) << again.body;
    EXPECT_EQ(id_of(call("haringey:commissioner", "POST", ct(id, "/variations"), {{"ends_on", "2027-08-03"}}, "extend-1")), id_of(again));
    ASSERT_EQ(call("haringey:director_childrens_services", "POST", approvals(again), {{"decision", "approve"}, {"comment", "Lead Member consulted"}})
                  .status,
              200);
    auto extended = call("haringey:commissioner", "GET", ct(id)).json();
    EXPECT_EQ(extended.at("ends_on"), "2027-08-03");
    EXPECT_EQ(extended.at("value_pence"), 51000000);
    EXPECT_EQ(count_rows("SELECT count(*) FROM call_off_decisions WHERE entity_type = 'contract' AND action = 'extend'"), 1);
    EXPECT_EQ(count_rows("SELECT count(*) FROM awards WHERE kind = 'extension'"), 2);
}

TEST_F(calloff_contracts, AVariationsIncreaseMustFitTheSpendAuthority)
{
    move_to(year{2021} / September / 1);
    const auto dps_id = open_dps("cambridgeshire", "2021-04-01", "2025-03-31");
    admit("cambridgeshire", "riverside", dps_id, "community-support");
    join("cambridgeshire", "peterborough", dps_id, {"community-support"}, "2021-04-01", "2025-03-31");
    // 100 pounds an hour, 60 hours, 50 weeks: 300,000 of Peterborough's 310,000 pounds.
    const auto call_off = published("peterborough", dps_id, "community-support", hourly_package("2021-11-01", 60, 50), "2021-09-15T12:00:00Z");
    ASSERT_EQ(call("riverside", "POST", co(call_off, "/bids"), {{"hourly_rate_pence", 10000}, {"hours_per_week", 60}, {"earliest_start", "2021-11-01"}})
                  .status,
              201);
    move_to(year{2021} / October / 1);
    ASSERT_EQ(call("peterborough:commissioner", "POST", co(call_off, "/evaluation")).status, 200);
    auto a = call("peterborough:commissioner", "POST", co(call_off, "/award"), boost::json::object{});
    auto approved = call("peterborough:executive_director", "POST", approvals(a), {{"decision", "approve"}});
    ASSERT_EQ(approved.status, 200) << approved.body;
    const auto id = approved.json().at("contract_id").as_int64();

    auto over = call("peterborough:commissioner", "POST", ct(id, "/variations"), {{"hourly_rate_pence", 11000}});
    EXPECT_EQ(over.status, 409) << over.body;
    EXPECT_EQ(over.json().at("error").at("code"), "spend_authority_exceeded");
    EXPECT_NE(over.body.find("headroom left: £10,000.00"), std::string::npos) << over.body;
    auto within = call("peterborough:commissioner", "POST", ct(id, "/variations"), {{"hourly_rate_pence", 10300}});
    ASSERT_EQ(within.status, 201) << within.body;
    EXPECT_EQ(within.json().at("value_pence"), 10300 * 60 * 50);
    ASSERT_EQ(call("peterborough:executive_director", "POST", approvals(within), {{"decision", "approve"}}).status, 200);
    EXPECT_EQ(count_rows("SELECT sum(value_pence) FROM contracts"), 30900000);
}

TEST_F(calloff_contracts, HaringeyUpliftsRatesWithTheLondonLivingWageOnceOnOrAfterFirstApril)
{
    // 18.50 pounds an hour, 20 hours a week, 104 weeks from 1 May 2024 (to 28 April 2026).
    const auto id = haringey_contract(1850, 20, 104);
    EXPECT_EQ(call("haringey:commissioner", "GET", ct(id)).json().at("value_pence"), 1850 * 20 * 104);

    auto proposal = call("haringey:commissioner", "GET", ct(id, "/uplift?date=2025-04-01"));
    ASSERT_EQ(proposal.status, 200) << proposal.body;
    EXPECT_EQ(proposal.json().at("current_rate_pence"), 1850);
    EXPECT_EQ(proposal.json().at("proposed_rate_pence"), 1977) << "18.50 x 14.80 / 13.85, to the penny";
    EXPECT_EQ(proposal.json().at("due"), true);
    // 393 days from 1 April 2025 (56 weeks and a day) repriced: 3,848,000 - 2,077,286 + 2,219,889.
    EXPECT_EQ(proposal.json().at("proposed_value_pence"), 3990603);
    EXPECT_EQ(call("haringey:commissioner", "GET", ct(id, "/uplift?date=2025-13-01")).status, 400);
    EXPECT_EQ(call("haringey:commissioner", "GET", ct(id, "/uplift")).status, 400);
    auto early = call("haringey:commissioner", "POST", ct(id, "/uplift"), {{"date", "2025-04-01"}});
    EXPECT_EQ(early.status, 409) << early.body;
    EXPECT_EQ(early.json().at("error").at("code"), "uplift_not_yet");

    move_to(year{2025} / April / 1);
    auto applied = call("haringey:commissioner", "POST", ct(id, "/uplift"), {{"date", "2025-04-01"}});
    ASSERT_EQ(applied.status, 200) << applied.body;
    EXPECT_EQ(applied.json().at("hourly_rate_pence"), 1977);
    EXPECT_EQ(applied.json().at("value_pence"), 3990603);
    EXPECT_EQ(applied.json().at("changes").at(0).at("kind"), "uplift");
    EXPECT_EQ(applied.json().at("changes").at(0).at("before").at("hourly_rate_pence"), 1850);
    auto twice = call("haringey:commissioner", "POST", ct(id, "/uplift"), {{"date", "2025-04-01"}});
    EXPECT_EQ(twice.status, 409) << twice.body;
    EXPECT_EQ(twice.json().at("error").at("code"), "uplift_already_applied");
    EXPECT_EQ(call("haringey:commissioner", "GET", ct(id, "/uplift?date=2025-04-01")).json().at("applied"), true);
    auto not_due = call("haringey:commissioner", "GET", ct(id, "/uplift?date=2025-06-01")).json();
    EXPECT_EQ(not_due.at("due"), false);
    EXPECT_EQ(not_due.at("proposed_rate_pence"), 1977);
    EXPECT_EQ(count_rows("SELECT count(*) FROM audit_log WHERE action = 'contract.uplift'"), 1);
    EXPECT_EQ(count_rows("SELECT count(*) FROM contract_changes WHERE kind = 'uplift'"), 1);

    // After its end date the contract has ended (recorded as the system's act) and cannot be varied.
    move_to(year{2026} / May / 1);
    EXPECT_EQ(call("riverside", "GET", ct(id)).json().at("status"), "ended");
    EXPECT_EQ(call("haringey:commissioner", "POST", ct(id, "/variations"), {{"hourly_rate_pence", 2000}}).status, 409);
    EXPECT_EQ(count_rows("SELECT count(*) FROM call_off_decisions WHERE entity_type = 'contract' AND action = 'end' AND actor = 'system'"), 1);
}

TEST_F(calloff_contracts, BlockArrangementsAreCappedAtTheCouncilsMaximumDiscount)
{
    dps_ = open_dps("haringey", "2024-02-01", "2029-01-31");
    admit("haringey", "riverside", dps_, "lot2");
    const auto call_off = published("haringey", dps_, "lot2", hourly_package("2024-05-01", 40, 52), "2024-03-20T12:00:00Z");
    ASSERT_EQ(call("riverside", "POST", co(call_off, "/bids"), {{"hourly_rate_pence", 2000}, {"hours_per_week", 40}, {"earliest_start", "2024-05-01"}})
                  .status,
              201);
    move_to(year{2024} / March / 21);
    ASSERT_EQ(call("haringey:commissioner", "POST", co(call_off, "/evaluation")).status, 200);

    // At award: 30 guaranteed hours for 6% off is more than Haringey's 5%.
    auto too_much = call("haringey:commissioner", "POST", co(call_off, "/award"), {{"block_guaranteed_hours", 30}, {"block_discount_percent", 6}});
    EXPECT_EQ(too_much.status, 422) << too_much.body;
    EXPECT_EQ(too_much.json().at("error").at("code"), "block_discount_above_maximum");
    EXPECT_NE(too_much.body.find("maximum of 5%"), std::string::npos) << too_much.body;
    EXPECT_EQ(call("haringey:commissioner", "POST", co(call_off, "/award"), {{"block_guaranteed_hours", 41}, {"block_discount_percent", 5}}).status,
              400)
        << "more guaranteed hours than the package";
    EXPECT_EQ(call("haringey:commissioner", "GET", co(call_off)).json().at("status"), "evaluated") << "a refusal changes nothing";
    auto a = call("haringey:commissioner", "POST", co(call_off, "/award"), {{"block_guaranteed_hours", 30}, {"block_discount_percent", 5}});
    ASSERT_EQ(a.status, 201) << a.body;
    EXPECT_EQ(a.json().at("value_pence"), 1900 * 40 * 52);
    auto approved = call("haringey:director_childrens_services", "POST", approvals(a), {{"decision", "approve"}});
    ASSERT_EQ(approved.status, 200) << approved.body;
    const auto id = approved.json().at("contract_id").as_int64();
    auto contract = call("haringey:commissioner", "GET", ct(id)).json();
    EXPECT_EQ(contract.at("hourly_rate_pence"), 2000);
    EXPECT_EQ(contract.at("effective_hourly_rate_pence"), 1900);
    EXPECT_EQ(contract.at("block_guaranteed_hours"), 30);
    EXPECT_EQ(contract.at("block_discount_percent"), 5);
    EXPECT_EQ(contract.at("value_pence"), 1900 * 40 * 52);

    // At contract level, as a variation through the route: the same cap.
    auto over = call("haringey:commissioner", "POST", ct(id, "/variations"), {{"block_guaranteed_hours", 35}, {"block_discount_percent", 7}});
    EXPECT_EQ(over.status, 422) << over.body;
    EXPECT_EQ(over.json().at("error").at("code"), "block_discount_above_maximum");
    auto v = call("haringey:commissioner", "POST", ct(id, "/variations"), {{"block_guaranteed_hours", 35}, {"block_discount_percent", 4}});
    ASSERT_EQ(v.status, 201) << v.body;
    EXPECT_EQ(v.json().at("kind"), "variation");
    EXPECT_EQ(v.json().at("value_pence"), 1920 * 40 * 52);
    ASSERT_EQ(call("haringey:director_childrens_services", "POST", approvals(v), {{"decision", "approve"}}).status, 200);
    auto varied = call("haringey:commissioner", "GET", ct(id)).json();
    EXPECT_EQ(varied.at("block_guaranteed_hours"), 35);
    EXPECT_EQ(varied.at("effective_hourly_rate_pence"), 1920);
    EXPECT_EQ(varied.at("value_pence"), 1920 * 40 * 52);
}

TEST_F(calloff, AContractRunsOnAfterTheDpsExpiresAndThePartnersAgreementEnds)
{
    // Newham's DPS and Waltham Forest's agreement both end on 30 June 2024; a 26-week placement
    // that began on 1 May runs to the end of October regardless (DOMAIN.md §1 and §4).
    const auto dps_id = open_dps("newham", "2024-02-01", "2024-06-30");
    admit("newham", "riverside", dps_id, "lot2");
    join("newham", "waltham-forest", dps_id, {"lot2"}, "2024-02-01", "2024-06-30");
    const boost::json::object placement{{"category", "residential"}, {"placement_type", "children's home"}, {"area", "E17"},
                                        {"start_date", "2024-05-01"}, {"duration_weeks", 26}, {"requirements", {"education on site"}}};
    const auto id = published("waltham-forest", dps_id, "lot2", placement, "2024-03-15T12:00:00Z");
    ASSERT_EQ(call("riverside", "POST", co(id, "/bids"), {{"weekly_cost_pence", 500000}, {"earliest_start", "2024-05-01"}}).status, 201);
    move_to(year{2024} / March / 16);
    ASSERT_EQ(call("waltham-forest:commissioner", "POST", co(id, "/evaluation")).status, 200);
    auto award = call("waltham-forest:commissioner", "POST", co(id, "/award"), boost::json::object{});
    ASSERT_EQ(award.status, 201) << award.body;
    auto approved = call("waltham-forest:corporate_director", "POST", "/v1/awards/" + std::to_string(id_of(award)) + "/approvals",
                         {{"decision", "approve"}});
    ASSERT_EQ(approved.status, 200) << approved.body;
    const auto contract = "/v1/contracts/" + std::to_string(approved.json().at("contract_id").as_int64());

    move_to(year{2024} / July / 15);
    EXPECT_EQ(call("riverside", "GET", dps_path(dps_id)).json().at("status"), "expired");
    const auto agreements = call("waltham-forest:commissioner", "GET", dps_path(dps_id, "/agreements")).json();
    EXPECT_EQ(agreements.at("items").as_array().at(0).at("status"), "terminated");
    auto running = call("waltham-forest:commissioner", "GET", contract);
    EXPECT_EQ(running.json().at("status"), "active") << running.body;
    EXPECT_EQ(call("riverside", "GET", contract).json().at("status"), "active");

    move_to(year{2024} / November / 1);
    EXPECT_EQ(call("waltham-forest:commissioner", "GET", contract).json().at("status"), "ended") << "and ends after its own term";
}
