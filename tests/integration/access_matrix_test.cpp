// The authorisation matrix: every route in the router, called by every kind of caller, over HTTPS.
// A route missing from the table below fails the test, so a new endpoint cannot ship without
// stating who may call it.
#include "auth/access_guard.hpp"
#include "calloff/award_service.hpp"
#include "calloff/calloff_service.hpp"
#include "dps/agreement_service.hpp"
#include "dps/dps_service.hpp"
#include "http/router.hpp"
#include "support/https_client.hpp"
#include "support/identity_fixture.hpp"
#include "support/manual_clock.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <map>
#include <set>

using namespace dps;

namespace {

struct expectation {
    std::string owner;               // "A": tenant A's object; "P": provider P's object; "": none
    std::set<std::string> allowed;   // callers that get through; "*" = every authenticated caller
};

const std::map<std::string, expectation>& table()
{
    static const std::map<std::string, expectation> t{
        {"GET /v1/me", {"", {"*"}}},
        {"DELETE /v1/sessions/current", {"", {"*"}}},
        {"POST /v1/tenants", {"", {"operator"}}},
        {"GET /v1/tenants", {"", {"operator", "A:tenant_admin", "A:commissioner", "A:approver", "A:contract_manager", "A:finance",
                                  "A:auditor", "B:tenant_admin", "B:commissioner"}}},
        {"GET /v1/tenants/{tenant_id}", {"A", {"operator", "A:tenant_admin", "A:commissioner", "A:approver", "A:contract_manager",
                                               "A:finance", "A:auditor"}}},
        {"POST /v1/tenants/{tenant_id}/users", {"A", {"operator", "A:tenant_admin"}}},
        {"GET /v1/tenants/{tenant_id}/users", {"A", {"operator", "A:tenant_admin", "A:auditor"}}},
        {"POST /v1/providers", {"", {"operator"}}},
        {"GET /v1/providers/{provider_id}", {"P", {"operator", "P:provider_admin", "P:bidder"}}},
        {"POST /v1/providers/{provider_id}/users", {"P", {"operator", "P:provider_admin"}}},
        {"GET /v1/providers/{provider_id}/users", {"P", {"operator", "P:provider_admin"}}},
        {"GET /v1/users/{user_id}", {"A", {"operator", "A:tenant_admin", "A:auditor", "A:commissioner"}}},
        {"POST /v1/users/{user_id}/roles", {"A", {"operator", "A:tenant_admin"}}},
        {"DELETE /v1/users/{user_id}/roles/{grant_id}", {"A", {"operator", "A:tenant_admin"}}},
        {"POST /v1/users/{user_id}/tokens", {"A", {"operator", "A:tenant_admin", "A:commissioner"}}},
        {"GET /v1/users/{user_id}/tokens", {"A", {"operator", "A:tenant_admin", "A:commissioner"}}},
        {"DELETE /v1/tokens/{token_id}", {"A", {"operator", "A:tenant_admin", "A:commissioner"}}},
        {"GET /v1/tenants/{tenant_id}/plugin", {"A", {"A:tenant_admin", "A:commissioner", "A:approver", "A:contract_manager",
                                                      "A:finance", "A:auditor"}}},
        {"GET /v1/tenants/{tenant_id}/audit-chain", {"A", {"A:tenant_admin", "A:auditor"}}},
        {"GET /v1/tenants/{tenant_id}/plugin/versions", {"A", {"A:tenant_admin", "A:auditor"}}},
        {"POST /v1/tenants/{tenant_id}/plugin/versions", {"A", {"A:tenant_admin"}}},
        {"POST /v1/tenants/{tenant_id}/plugin/versions/{version}/activate", {"A", {"A:tenant_admin"}}},
        {"POST /v1/tenants/{tenant_id}/plugin/evaluate", {"A", {"A:tenant_admin", "A:commissioner"}}},
        // Stage one: A leads a DPS, P has applied to its lot, B has joined it.
        {"POST /v1/dps", {"", {"A:tenant_admin", "A:commissioner", "B:tenant_admin", "B:commissioner"}}},
        {"GET /v1/dps", {"", {"*"}}},
        {"GET /v1/dps/{dps_id}", {"", {"*"}}},
        {"POST /v1/dps/{dps_id}/status", {"A", {"A:tenant_admin", "A:commissioner"}}},
        {"POST /v1/dps/{dps_id}/extend", {"A", {"A:tenant_admin", "A:commissioner"}}},
        {"GET /v1/dps/{dps_id}/lots", {"", {"*"}}},
        {"POST /v1/dps/{dps_id}/lots", {"A", {"A:tenant_admin", "A:commissioner"}}},
        {"POST /v1/dps/{dps_id}/lots/from-plugin", {"A", {"A:tenant_admin", "A:commissioner"}}},
        {"POST /v1/dps/{dps_id}/lots/{lot_code}/applications", {"", {"P:provider_admin", "P:bidder", "Q:provider_admin"}}},
        {"GET /v1/dps/{dps_id}/applications", {"", {"members"}}}, // every council and provider role; not the operator
        {"GET /v1/dps/{dps_id}/history", {"A", {"A:tenant_admin", "A:commissioner", "A:contract_manager", "A:auditor"}}},
        {"GET /v1/applications/{application_id}", {"AP", {"A:tenant_admin", "A:commissioner", "A:contract_manager", "A:auditor",
                                                          "P:provider_admin", "P:bidder"}}},
        {"GET /v1/applications/{application_id}/history", {"AP", {"A:tenant_admin", "A:commissioner", "A:contract_manager", "A:auditor",
                                                                  "P:provider_admin", "P:bidder"}}},
        {"POST /v1/applications/{application_id}/decision", {"AP", {"A:tenant_admin", "A:commissioner", "A:contract_manager",
                                                                    "P:provider_admin", "P:bidder"}}},
        {"GET /v1/providers/{provider_id}/profile", {"", {"*"}}},
        {"PATCH /v1/providers/{provider_id}/profile", {"P", {"operator", "P:provider_admin"}}},
        {"POST /v1/dps/{dps_id}/agreements", {"", {"A:tenant_admin", "A:commissioner", "B:tenant_admin", "B:commissioner"}}},
        {"GET /v1/dps/{dps_id}/agreements", {"", {"A:tenant_admin", "A:commissioner", "A:approver", "A:contract_manager", "A:finance",
                                                  "A:auditor", "B:tenant_admin", "B:commissioner"}}},
        {"GET /v1/agreements/{agreement_id}", {"AB", {"A:tenant_admin", "A:commissioner", "A:approver", "A:contract_manager", "A:finance",
                                                       "A:auditor", "B:tenant_admin", "B:commissioner"}}},
        {"GET /v1/agreements/{agreement_id}/history", {"AB", {"A:tenant_admin", "A:commissioner", "A:approver", "A:contract_manager",
                                                               "A:finance", "A:auditor", "B:tenant_admin", "B:commissioner"}}},
        {"POST /v1/agreements/{agreement_id}/decision", {"AB", {"A:tenant_admin", "A:commissioner", "B:tenant_admin", "B:commissioner"}}},
        {"POST /v1/agreements/{agreement_id}/notice", {"AB", {"A:tenant_admin", "A:commissioner", "B:tenant_admin", "B:commissioner"}}},
        {"POST /v1/agreements/{agreement_id}/lots", {"AB", {"A:tenant_admin", "A:commissioner", "B:tenant_admin", "B:commissioner"}}},
        // Only the partner changes its lots: the lead's officers pass the guard and are refused by the service.
        {"DELETE /v1/agreements/{agreement_id}/lots/{lot_code}", {"AB", {"B:tenant_admin", "B:commissioner"}}},
        {"POST /v1/agreements/{agreement_id}/fees/{fee_id}/paid", {"AB", {"A:tenant_admin", "A:finance", "B:tenant_admin"}}},
        {"POST /v1/dps/{dps_id}/spend-authorities", {"", {"A:tenant_admin", "A:finance", "B:tenant_admin"}}},
        {"GET /v1/dps/{dps_id}/spend-authorities", {"", {"A:tenant_admin", "A:commissioner", "A:finance", "A:auditor", "B:tenant_admin",
                                                         "B:commissioner"}}},
        // Stage two: A calls off from its lot; P (admitted) has bid; A's award became a contract with P.
        {"POST /v1/dps/{dps_id}/call-offs", {"", {"A:tenant_admin", "A:commissioner", "B:tenant_admin", "B:commissioner"}}},
        {"GET /v1/call-offs", {"", {"A:tenant_admin", "A:commissioner", "A:approver", "A:contract_manager", "A:finance", "A:auditor",
                                    "B:tenant_admin", "B:commissioner", "P:provider_admin", "P:bidder", "Q:provider_admin"}}},
        // Providers see a call-off only while admitted to its lot: B and Q get 404 from the service.
        {"GET /v1/call-offs/{call_off_id}", {"AP", {"A:tenant_admin", "A:commissioner", "A:approver", "A:contract_manager", "A:finance",
                                                    "A:auditor", "P:provider_admin", "P:bidder"}}},
        {"POST /v1/call-offs/{call_off_id}/publish", {"A", {"A:tenant_admin", "A:commissioner"}}},
        {"GET /v1/call-offs/{call_off_id}/bids", {"A", {"A:tenant_admin", "A:commissioner", "A:approver", "A:auditor"}}},
        {"POST /v1/call-offs/{call_off_id}/bids", {"", {"P:provider_admin", "P:bidder", "Q:provider_admin"}}},
        {"POST /v1/call-offs/{call_off_id}/evaluation", {"A", {"A:tenant_admin", "A:commissioner"}}},
        {"POST /v1/call-offs/{call_off_id}/unfilled", {"A", {"A:tenant_admin", "A:commissioner"}}},
        {"POST /v1/call-offs/{call_off_id}/award", {"A", {"A:tenant_admin", "A:commissioner"}}},
        {"POST /v1/call-offs/{call_off_id}/negotiation", {"A", {"A:tenant_admin", "A:commissioner"}}},
        {"GET /v1/call-offs/{call_off_id}/history", {"A", {"A:tenant_admin", "A:commissioner", "A:approver", "A:contract_manager",
                                                           "A:finance", "A:auditor"}}},
        {"GET /v1/bids/{bid_id}", {"P", {"P:provider_admin", "P:bidder"}}},
        {"PATCH /v1/bids/{bid_id}", {"P", {"P:provider_admin", "P:bidder"}}},
        {"POST /v1/bids/{bid_id}/withdraw", {"P", {"P:provider_admin", "P:bidder"}}},
        {"GET /v1/awards/{award_id}", {"A", {"A:tenant_admin", "A:commissioner", "A:approver", "A:contract_manager", "A:finance",
                                             "A:auditor"}}},
        // fill() grants A's commissioner the approver role (authority cabinet) for {grant_id}: it passes too.
        {"POST /v1/awards/{award_id}/approvals", {"A", {"A:approver", "A:commissioner"}}},
        {"GET /v1/contracts", {"", {"A:tenant_admin", "A:commissioner", "A:approver", "A:contract_manager", "A:finance", "A:auditor",
                                    "B:tenant_admin", "B:commissioner", "P:provider_admin", "P:bidder", "Q:provider_admin"}}},
        {"GET /v1/contracts/{contract_id}", {"AP", {"A:tenant_admin", "A:commissioner", "A:approver", "A:contract_manager", "A:finance",
                                                    "A:auditor", "P:provider_admin", "P:bidder"}}},
        // Contract changes are the contracting council's; the provider reads them on the contract.
        {"POST /v1/contracts/{contract_id}/variations", {"AP", {"A:tenant_admin", "A:commissioner", "A:contract_manager"}}},
        {"GET /v1/contracts/{contract_id}/uplift", {"AP", {"A:tenant_admin", "A:commissioner", "A:approver", "A:contract_manager",
                                                           "A:finance", "A:auditor"}}},
        {"POST /v1/contracts/{contract_id}/uplift", {"AP", {"A:tenant_admin", "A:commissioner", "A:contract_manager"}}},
        // Spot purchases and reports: the councils' records. A's own spot purchase: B, a partner, does not read it.
        {"GET /v1/spot-purchases", {"", {"A:tenant_admin", "A:commissioner", "A:approver", "A:contract_manager", "A:finance", "A:auditor",
                                         "B:tenant_admin", "B:commissioner"}}},
        {"GET /v1/spot-purchases/{spot_purchase_id}", {"A", {"A:tenant_admin", "A:commissioner", "A:approver", "A:contract_manager",
                                                             "A:finance", "A:auditor"}}},
        {"GET /v1/reports/dps-vs-spot", {"", {"A:tenant_admin", "A:commissioner", "A:approver", "A:contract_manager", "A:finance",
                                              "A:auditor", "B:tenant_admin", "B:commissioner"}}},
        // Open data: any council member may ask; the service answers only for a DPS the caller's council leads.
        {"GET /v1/ocds/releases", {"", {"A:tenant_admin", "A:commissioner", "A:approver", "A:contract_manager", "A:finance",
                                        "A:auditor", "B:tenant_admin", "B:commissioner"}}},
    };
    return t;
}

const std::set<std::string> kPublic{"GET /healthz", "GET /readyz", "GET /v1/version", "GET /metrics", "GET /v1/openapi.json",
                                    "GET /v1/openapi.yaml", "POST /v1/sessions"};

// The matrix's clock: stage two needs a bid deadline to pass while the fixture is built.
std::shared_ptr<test::manual_clock> matrix_clock()
{
    using namespace std::chrono;
    static auto clock = std::make_shared<test::manual_clock>(sys_days{year{2026} / June / 1} + hours{12});
    clock->set_date(year{2026} / June / 1);
    return clock;
}

class access_matrix : public ::testing::Test, protected test::identity_fixture {
protected:
    access_matrix() : identity_fixture(matrix_clock())
    {
        auto& app = platform.app();
        auto as = [&](const std::string& key) {
            static std::map<std::string, auth::principal> principals;
            principals[key] = *identity().authenticate(members.at(key).token);
            return identity::acting{&principals[key], "matrix"};
        };
        auto d = app.dps().create(as("A:commissioner"), {"A's DPS", "home care", "pcr2015_reg34", "2026-01-01", "2028-01-01", "2030-01-01"});
        dps_id_ = d->id;
        purchasing::lot l;
        l.code = "lot1";
        l.name = "Lot 1";
        (void)app.dps().add_lot(as("A:commissioner"), dps_id_, l);
        (void)app.dps().change_status(as("A:commissioner"), dps_id_, "open", std::nullopt);
        application_id_ = app.dps().apply(as("P:bidder"), dps_id_, "lot1")->id;
        auto agreement = app.agreements().request(as("B:commissioner"), dps_id_, {"lot1"}, "2026-01-01", "2027-12-31");
        agreement_id_ = agreement->id;
        fee_id_ = app.agreements().decide(as("A:commissioner"), agreement_id_, "accept")->fees.front().id;

        // Stage two: P admitted; call-off 1 bid on, evaluated, awarded and approved (a contract);
        // call-off 2 open with P's bid. The plugin has no approval_route: the budget holder approves.
        (void)app.dps().decide(as("A:commissioner"), application_id_, {"admit", {}, {}, {}});
        (void)identity().grant_role({nullptr, "matrix"}, members.at("A:approver").who.id, {0, auth::role::approver, "budget_holder"});
        const auto commissioner = as("A:commissioner");
        const auto approver = as("A:approver");
        const auto bidder = as("P:bidder");
        const boost::json::object package{{"category", "home care"}, {"hours_per_week", 10}, {"area", "E15"},
                                          {"start_date", "2026-07-01"}, {"duration_weeks", 10}, {"requirements", "personal care"}};
        const calloff::bid_input offer{2000, 10, std::nullopt, "2026-07-01", ""};
        auto first = app.calloffs().create(commissioner, dps_id_, {"lot1", "First", "2026-06-10T12:00:00Z", package, {}});
        (void)app.calloffs().publish(commissioner, first->id);
        (void)app.calloffs().submit_bid(bidder, first->id, offer);
        auto second = app.calloffs().create(commissioner, dps_id_, {"lot1", "Second", "2026-06-20T12:00:00Z", package, {}});
        call_off_id_ = second->id;
        (void)app.calloffs().publish(commissioner, call_off_id_);
        bid_id_ = app.calloffs().submit_bid(bidder, call_off_id_, offer)->id;
        auto third = app.calloffs().create(commissioner, dps_id_, {"lot1", "Third", "2026-06-10T12:00:00Z", package, {}});
        (void)app.calloffs().publish(commissioner, third->id);
        matrix_clock_->set_date(std::chrono::year{2026} / std::chrono::June / 11);
        spot_purchase_id_ = app.calloffs().close_unfilled(commissioner, third->id, {"Eastside Care", std::nullopt, std::nullopt, 90'000, std::nullopt})->id;
        (void)app.calloffs().evaluate(commissioner, first->id);
        award_id_ = app.awards().propose(commissioner, first->id, std::nullopt)->id;
        contract_id_ = *app.awards().decide(approver, award_id_, "approve", std::nullopt)->contract_id;
    }

    std::shared_ptr<test::manual_clock> matrix_clock_ = matrix_clock();
    std::int64_t call_off_id_ = 0, bid_id_ = 0, award_id_ = 0, contract_id_ = 0, spot_purchase_id_ = 0;

    std::int64_t dps_id_ = 0, application_id_ = 0, agreement_id_ = 0, fee_id_ = 0;

    // Fills the path with tenant A's or provider P's objects; {user_id} is A's commissioner.
    std::string fill(const std::string& pattern)
    {
        const auto& subject = members.at("A:commissioner").who;
        std::map<std::string, std::string> values{
            {"{tenant_id}", std::to_string(tenant_a.id)},
            {"{provider_id}", std::to_string(provider_p.id)},
            {"{user_id}", std::to_string(subject.id)},
            {"{token_id}", std::to_string(fresh_token_id(subject.id))},
            {"{grant_id}", std::to_string(ensure_grant(subject.id))},
            {"{version}", "1"},
            {"{dps_id}", std::to_string(dps_id_)},
            {"{lot_code}", "lot1"},
            {"{application_id}", std::to_string(application_id_)},
            {"{agreement_id}", std::to_string(agreement_id_)},
            {"{fee_id}", std::to_string(fee_id_)},
            {"{call_off_id}", std::to_string(call_off_id_)},
            {"{bid_id}", std::to_string(bid_id_)},
            {"{award_id}", std::to_string(award_id_)},
            {"{contract_id}", std::to_string(contract_id_)},
            {"{spot_purchase_id}", std::to_string(spot_purchase_id_)},
        };
        std::string path = pattern;
        for (const auto& [k, v] : values)
            if (auto pos = path.find(k); pos != std::string::npos) path.replace(pos, k.size(), v);
        EXPECT_EQ(path.find('{'), std::string::npos) << "no test value for a parameter of " << pattern;
        return path;
    }

    std::int64_t fresh_token_id(std::int64_t user_id)
    {
        auto t = identity().issue_token({nullptr, "matrix"}, user_id, "matrix", 1);
        return t ? t->info.id : 0;
    }

    std::int64_t ensure_grant(std::int64_t user_id)
    {
        auto u = identity().get_user({}, user_id);
        for (const auto& g : u->roles)
            if (g.granted == auth::role::approver && g.authority == "cabinet") return g.id;
        auto updated = identity().grant_role({nullptr, "matrix"}, user_id, {0, auth::role::approver, "cabinet"});
        return updated ? updated->roles.back().id : 0;
    }

    // owner "AB": tenant A's and tenant B's; "AP": tenant A's and provider P's.
    static bool is_member(const std::string& caller, const std::string& owner)
    {
        return caller.size() > 2 && caller[1] == ':' && owner.find(caller[0]) != std::string::npos;
    }
};

} // namespace

TEST_F(access_matrix, EveryRouteHasAnExpectationAndAnAccessRule)
{
    std::set<std::string> registered;
    for (const auto& e : platform.app().guard().registry()) registered.insert(e.method + " " + e.pattern);
    for (const auto& r : platform.app().routes().routes()) {
        const std::string key = r.method + " " + r.pattern;
        EXPECT_TRUE(registered.count(key)) << key << " was added to the router without an access rule";
        EXPECT_TRUE(kPublic.count(key) || table().count(key)) << key << " has no row in the authorisation matrix";
    }
}

TEST_F(access_matrix, EveryCallerGetsTheExpectedAnswerOnEveryRoute)
{
    test::https_client client(platform.port());
    int checked = 0;
    for (const auto& r : platform.app().routes().routes()) {
        const std::string key = r.method + " " + r.pattern;
        if (kPublic.count(key)) {
            EXPECT_NE(client.send(r.method, fill(r.pattern), r.method == "POST" ? "{}" : "",
                                  {{"Content-Type", "application/json"}}).status,
                      401)
                << key;
            continue;
        }
        const auto& expected = table().at(key);
        const std::string body = r.method == "POST" ? "{}" : "";

        // No token, a malformed one, and an unknown one of the right shape: 401 with the envelope.
        for (const std::string& header : {std::string{}, std::string{"Bearer not-a-token"}, std::string{"Basic abc"},
                                          "Bearer dps_" + std::string(43, 'A')}) {
            test::header_list headers{{"Content-Type", "application/json"}};
            if (!header.empty()) headers.emplace_back("Authorization", header);
            auto reply = client.send(r.method, fill(r.pattern), body, headers);
            EXPECT_EQ(reply.status, 401) << key << " with '" << header << "'";
            EXPECT_TRUE(reply.json().at("error").as_object().contains("code")) << key;
            ++checked;
        }

        for (const auto& [caller, m] : members) {
            const bool allowed =
                expected.allowed.count("*") || (expected.allowed.count("members") && caller != "operator") || expected.allowed.count(caller);
            const std::string token = fresh_token(caller); // DELETE /v1/sessions/current spends its token
            auto reply = client.send(r.method, fill(r.pattern), body,
                                     {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token}});
            ++checked;
            if (allowed) {
                EXPECT_TRUE(reply.status != 401 && reply.status != 403 && reply.status != 404)
                    << key << " as " << caller << " should be allowed, got " << reply.status << " " << reply.body;
                continue;
            }
            const bool outsider = !expected.owner.empty() && caller != "operator" && !is_member(caller, expected.owner);
            EXPECT_EQ(reply.status, outsider ? 404 : 403) << key << " as " << caller << ": " << reply.body;
            EXPECT_EQ(reply.json().at("error").at("code"), outsider ? "not_found" : "forbidden") << key << " as " << caller;
        }
    }
    EXPECT_GT(checked, 200);
}
