// The call-off stories' fixture: five councils with their shipped plugins and approvers, five
// providers with bidders, tokens for each, and helpers to open a DPS, admit, join and call off over HTTPS.
#pragma once

#include "core/digest.hpp"
#include "db/database.hpp"
#include "dps/dps_service.hpp"
#include "rules/rules_service.hpp"
#include "support/https_client.hpp"
#include "support/manual_clock.hpp"
#include "support/shipped_plugins.hpp"
#include "support/test_platform.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <map>
#include <set>
#include <string>

namespace dps::test {

using namespace std::chrono;



// Approvers each council's plugin routes awards to.
const std::map<std::string, std::vector<std::string>> kApprovers{
    {"newham", {"budget_holder"}},
    {"waltham-forest", {"corporate_director", "head_of_service"}},
    {"haringey", {"director_childrens_services", "cabinet"}},
    {"cambridgeshire", {"budget_holder"}},
    {"peterborough", {"executive_director"}},
};

class calloff_fixture : public ::testing::Test {
protected:
    calloff_fixture()
        : clock_(std::make_shared<test::manual_clock>(sys_days{year{2024} / March / 1} + hours{12})), platform_({}, {}, clock_),
          client_(platform_.port())
    {
        auto& ids = platform_.app().identity();
        const identity::acting cli{nullptr, "calloff"};
        for (const auto& [slug, authorities] : kApprovers) {
            auto t = ids.create_tenant(cli, slug, slug, "council");
            tenants_[slug] = t->id;
            auto uploaded = test::upload_shipped_plugin(platform_.app(), t->id, slug);
            EXPECT_TRUE(uploaded.ok()) << slug << ": " << uploaded.err().message;
            for (const char* role : {"commissioner", "tenant_admin"}) {
                auto g = identity::validate_grant(auth::principal_kind::council, role, "");
                auto u = ids.create_council_user(cli, t->id, {std::string{role} + "@" + slug + ".test", role, std::nullopt, {*g}});
                users_[slug + ":" + role] = u->id;
            }
            for (const auto& authority : authorities) {
                auto g = identity::validate_grant(auth::principal_kind::council, "approver", authority);
                EXPECT_TRUE(g.ok()) << authority;
                auto u = ids.create_council_user(cli, t->id, {authority + "@" + slug + ".test", authority, std::nullopt, {*g}});
                users_[slug + ":" + authority] = u->id;
            }
        }
        for (const char* name : {"riverside", "oakwood", "shadyside", "northgate", "brightpath"}) {
            auto p = ids.create_provider(cli, {0, name, std::nullopt, std::nullopt, std::nullopt, "", ""});
            providers_[name] = p->id;
            auto g = identity::validate_grant(auth::principal_kind::provider, "bidder", "");
            auto u = ids.create_provider_user(cli, p->id, {std::string{"bids@"} + name + ".test", name, std::nullopt, {*g}});
            users_[name] = u->id;
        }
        issue_tokens();
    }

    void issue_tokens()
    {
        for (const auto& [who, id] : users_) tokens_[who] = platform_.app().identity().issue_token({nullptr, "calloff"}, id, "t", 30)->secret;
    }

    void move_to(year_month_day date)
    {
        clock_->set_date(date);
        issue_tokens();
    }

    test::http_reply call(const std::string& who, const std::string& method, const std::string& path, const boost::json::value& body = nullptr,
                          const std::string& idempotency_key = "")
    {
        test::header_list headers{{"Content-Type", "application/json"}, {"Authorization", "Bearer " + tokens_.at(who)}};
        if (!idempotency_key.empty()) headers.emplace_back("Idempotency-Key", idempotency_key);
        return client_.send(method, path, body.is_null() ? "" : boost::json::serialize(body), headers);
    }

    static std::int64_t id_of(const test::http_reply& r) { return r.json().at("id").as_int64(); }
    static std::string dps_path(std::int64_t id, const std::string& rest = "") { return "/v1/dps/" + std::to_string(id) + rest; }
    static std::string co(std::int64_t id, const std::string& rest = "") { return "/v1/call-offs/" + std::to_string(id) + rest; }

    std::int64_t open_dps(const std::string& lead, const std::string& starts, const std::string& ends)
    {
        auto d = call(lead + ":commissioner", "POST", "/v1/dps",
                      {{"title", lead + " DPS"}, {"category", "children's care"}, {"regime", "pcr2015_reg34"},
                       {"term_starts_on", starts}, {"term_ends_on", ends}, {"latest_end_on", "2030-03-08"}});
        EXPECT_EQ(d.status, 201) << d.body;
        EXPECT_EQ(call(lead + ":commissioner", "POST", dps_path(id_of(d), "/lots/from-plugin")).status, 201);
        EXPECT_EQ(call(lead + ":commissioner", "POST", dps_path(id_of(d), "/status"), {{"action", "open"}}).status, 200);
        return id_of(d);
    }

    std::int64_t admit(const std::string& lead, const std::string& provider, std::int64_t dps_id, const std::string& lot)
    {
        // Bidders cannot edit their organisation's profile: set it as the platform would.
        auto updated = platform_.app().dps().update_profile(
            {nullptr, "calloff"}, providers_.at(provider),
            {{"ofsted_urn", "SC" + std::to_string(providers_.at(provider))}, {"ofsted_rating", "good"},
             {"cqc_location_id", "1-" + std::to_string(providers_.at(provider))}, {"cqc_rating", "good"},
             {"living_wage_commitment", "london_living_wage"}});
        EXPECT_TRUE(updated.ok());
        auto applied = call(provider, "POST", dps_path(dps_id, "/lots/" + lot + "/applications"));
        EXPECT_EQ(applied.status, 201) << applied.body;
        auto admitted = call(lead + ":commissioner", "POST", "/v1/applications/" + std::to_string(id_of(applied)) + "/decision",
                             {{"action", "admit"}});
        EXPECT_EQ(admitted.json().at("status"), "admitted") << admitted.body;
        return id_of(applied);
    }

    void join(const std::string& lead, const std::string& partner, std::int64_t dps_id, boost::json::array lots, const std::string& starts,
              const std::string& ends)
    {
        auto requested = call(partner + ":commissioner", "POST", dps_path(dps_id, "/agreements"),
                              {{"lot_codes", lots}, {"starts_on", starts}, {"ends_on", ends}});
        ASSERT_EQ(requested.status, 201) << requested.body;
        auto accepted = call(lead + ":commissioner", "POST", "/v1/agreements/" + std::to_string(id_of(requested)) + "/decision",
                             {{"action", "accept"}});
        ASSERT_EQ(accepted.json().at("status"), "active") << accepted.body;
    }

    static boost::json::object hourly_package(const std::string& start, std::int64_t hours, std::int64_t weeks)
    {
        return {{"category", "home care"}, {"hours_per_week", hours}, {"area", "N17"}, {"start_date", start},
                {"duration_weeks", weeks}, {"requirements", {"personal care twice a day", "a consistent team of two carers"}}};
    }

    test::http_reply create(const std::string& council, std::int64_t dps_id, const std::string& lot, const boost::json::object& package,
                            const std::string& deadline, const std::string& key = "")
    {
        return call(council + ":commissioner", "POST", dps_path(dps_id, "/call-offs"),
                    {{"lot_code", lot}, {"title", "Package " + lot}, {"bid_deadline", deadline}, {"package", package}}, key);
    }

    std::int64_t published(const std::string& council, std::int64_t dps_id, const std::string& lot, const boost::json::object& package,
                           const std::string& deadline)
    {
        auto c = create(council, dps_id, lot, package, deadline);
        EXPECT_EQ(c.status, 201) << c.body;
        auto p = call(council + ":commissioner", "POST", co(id_of(c), "/publish"));
        EXPECT_EQ(p.json().at("status"), "open") << p.body;
        return id_of(c);
    }

    std::int64_t count_rows(const std::string& query)
    {
        long long n = 0;
        auto done = platform_.app().database().transact(db::scope::platform(), [&](soci::session& sql) -> status {
            sql << query, soci::into(n);
            return ok_status();
        });
        EXPECT_TRUE(done.ok());
        return n;
    }

    std::shared_ptr<test::manual_clock> clock_;
    test::test_platform platform_;
    test::https_client client_;
    std::map<std::string, std::int64_t> tenants_, providers_, users_;
    std::map<std::string, std::string> tokens_;
};

inline std::set<std::int64_t> ids_in(const boost::json::value& list)
{
    std::set<std::int64_t> out;
    for (const auto& item : list.at("items").as_array()) out.insert(item.at("id").as_int64());
    return out;
}


// Contracts after award: a Haringey contract on Lot 2 awarded and approved.
class calloff_contracts_fixture : public calloff_fixture {
protected:
    // Haringey awards `rate` x `hours` a week for `weeks` from 1 May 2024 to riverside on Lot 2 and
    // the Director (or whoever the route names) approves it: the contract's id.
    std::int64_t haringey_contract(std::int64_t rate, std::int64_t hours, std::int64_t weeks, const boost::json::object& block = {})
    {
        if (dps_ == 0) {
            dps_ = open_dps("haringey", "2024-02-01", "2029-01-31");
            admit("haringey", "riverside", dps_, "lot2");
        }
        const auto id = published("haringey", dps_, "lot2", hourly_package("2024-05-01", hours, weeks), "2024-03-20T12:00:00Z");
        EXPECT_EQ(call("riverside", "POST", co(id, "/bids"), {{"hourly_rate_pence", rate}, {"hours_per_week", hours}, {"earliest_start", "2024-05-01"}})
                      .status,
                  201);
        move_to(year{2024} / March / 21);
        EXPECT_EQ(call("haringey:commissioner", "POST", co(id, "/evaluation")).status, 200);
        auto a = call("haringey:commissioner", "POST", co(id, "/award"), block);
        EXPECT_EQ(a.status, 201) << a.body;
        const std::string authority{a.json().at("approvals").at(0).at("authority").as_string()};
        auto approved = call("haringey:" + authority, "POST", "/v1/awards/" + std::to_string(id_of(a)) + "/approvals", {{"decision", "approve"}});
        EXPECT_EQ(approved.status, 200) << approved.body;
        return approved.json().at("contract_id").as_int64();
    }

    static std::string ct(std::int64_t id, const std::string& rest = "") { return "/v1/contracts/" + std::to_string(id) + rest; }
    static std::string approvals(const test::http_reply& award) { return "/v1/awards/" + std::to_string(id_of(award)) + "/approvals"; }

    std::int64_t dps_ = 0;
};


} // namespace dps::test
