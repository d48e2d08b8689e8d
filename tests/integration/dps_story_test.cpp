// Stage one of a DPS over HTTPS, as the councils' reports tell it: Newham's DPS with Waltham Forest
// joining Lots 2 and 4 (DOMAIN.md §4), Haringey's CQC rule for Lot 1, suspensions, and every illegal move.
#include "rules/rules_service.hpp"
#include "support/https_client.hpp"
#include "support/shipped_plugins.hpp"
#include "support/manual_clock.hpp"
#include "support/test_platform.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <map>

using namespace dps;
using namespace std::chrono;

namespace {


class dps_story : public ::testing::Test {
protected:
    dps_story()
        : clock_(std::make_shared<test::manual_clock>(sys_days{year{2024} / January / 15} + hours{12})),
          platform_({}, {}, clock_), client_(platform_.port())
    {
        auto& ids = platform_.app().identity();
        const identity::acting cli{nullptr, "story"};
        for (const char* slug : {"newham", "waltham-forest", "haringey"}) {
            auto t = ids.create_tenant(cli, slug, slug, "council");
            tenants_[slug] = t->id;
            auto uploaded = test::upload_shipped_plugin(platform_.app(), t->id, slug);
            EXPECT_TRUE(uploaded.ok()) << slug << ": " << uploaded.err().message;
            for (const char* role : {"commissioner", "tenant_admin", "finance"}) {
                auto g = identity::validate_grant(auth::principal_kind::council, role, "");
                auto u = ids.create_council_user(cli, t->id, {std::string{role} + "@" + slug + ".test", role, std::nullopt, {*g}});
                users_[std::string{slug} + ":" + role] = u->id;
            }
        }
        for (const char* name : {"riverside", "oakwood", "shadyside", "northgate", "brightpath"}) {
            auto p = ids.create_provider(cli, {0, name, std::nullopt, std::nullopt, std::nullopt, "", ""});
            providers_[name] = p->id;
            auto g = identity::validate_grant(auth::principal_kind::provider, "provider_admin", "");
            auto u = ids.create_provider_user(cli, p->id, {std::string{"admin@"} + name + ".test", name, std::nullopt, {*g}});
            users_[name] = u->id;
        }
        issue_tokens();
    }

    // Tokens last at most a year: when the story moves the clock on, everyone signs in again.
    void issue_tokens()
    {
        for (const auto& [who, id] : users_) tokens_[who] = platform_.app().identity().issue_token({nullptr, "story"}, id, "t", 30)->secret;
    }

    void move_to(year_month_day date)
    {
        clock_->set_date(date);
        issue_tokens();
    }

    test::http_reply call(const std::string& who, const std::string& method, const std::string& path, const boost::json::value& body = nullptr)
    {
        return client_.send(method, path, body.is_null() ? "" : boost::json::serialize(body),
                            {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + tokens_.at(who)}});
    }

    std::int64_t create_open_dps(const std::string& lead, const std::string& starts, const std::string& ends)
    {
        auto d = call(lead + ":commissioner", "POST", "/v1/dps",
                      {{"title", lead + " DPS"}, {"category", "children's care"}, {"regime", "pcr2015_reg34"},
                       {"term_starts_on", starts}, {"term_ends_on", ends}, {"latest_end_on", "2030-03-08"}});
        EXPECT_EQ(d.status, 201) << d.body;
        const auto id = d.json().at("id").as_int64();
        EXPECT_EQ(call(lead + ":commissioner", "POST", path(id, "/lots/from-plugin")).status, 201);
        EXPECT_EQ(call(lead + ":commissioner", "POST", path(id, "/status"), {{"action", "open"}}).json().at("status"), "open");
        return id;
    }

    std::string path(std::int64_t dps_id, const std::string& rest = "") { return "/v1/dps/" + std::to_string(dps_id) + rest; }

    void profile(const std::string& provider, const boost::json::object& fields)
    {
        auto r = call(provider, "PATCH", "/v1/providers/" + std::to_string(providers_.at(provider)) + "/profile", fields);
        EXPECT_EQ(r.status, 200) << r.body;
    }

    test::http_reply apply(const std::string& provider, std::int64_t dps_id, const std::string& lot)
    {
        return call(provider, "POST", path(dps_id, "/lots/" + lot + "/applications"));
    }

    test::http_reply decide(const std::string& who, std::int64_t application_id, const boost::json::object& body)
    {
        return call(who, "POST", "/v1/applications/" + std::to_string(application_id) + "/decision", body);
    }

    std::shared_ptr<test::manual_clock> clock_;
    test::test_platform platform_;
    test::https_client client_;
    std::map<std::string, std::int64_t> tenants_, providers_;
    std::map<std::string, std::string> tokens_;
    std::map<std::string, std::int64_t> users_;
};

std::set<std::string> names(const boost::json::value& list)
{
    std::set<std::string> out;
    for (const auto& item : list.at("items").as_array())
        out.insert(std::string(item.at("provider_name").as_string()) + "/" + std::string(item.at("lot_code").as_string()));
    return out;
}

} // namespace

TEST_F(dps_story, NewhamAndWalthamForest)
{
    // Newham's DPS: initial term 1 Feb 2024 to 8 Mar 2026, lots from its plugin.
    auto draft = call("newham:commissioner", "POST", "/v1/dps",
                      {{"title", "Children's placements DPS"}, {"category", "residential and fostering"}, {"regime", "pcr2015_reg34"},
                       {"term_starts_on", "2024-02-01"}, {"term_ends_on", "2026-03-08"}, {"latest_end_on", "2030-03-08"}});
    ASSERT_EQ(draft.status, 201) << draft.body;
    const auto dps_id = draft.json().at("id").as_int64();
    EXPECT_EQ(draft.json().at("status"), "draft");
    EXPECT_EQ(call("waltham-forest:commissioner", "GET", path(dps_id)).status, 404) << "a draft is the lead's alone";
    auto lots = call("newham:commissioner", "POST", path(dps_id, "/lots/from-plugin"));
    ASSERT_EQ(lots.status, 201) << lots.body;
    EXPECT_EQ(lots.json().at("items").as_array().size(), 3u);
    EXPECT_EQ(apply("riverside", dps_id, "lot2").status, 404) << "providers cannot see a draft";
    ASSERT_EQ(call("newham:commissioner", "POST", path(dps_id, "/status"), {{"action", "open"}}).status, 200);

    profile("riverside", {{"ofsted_rating", "good"}, {"ofsted_urn", "SC000001"}});
    profile("oakwood", {{"ofsted_rating", "outstanding"}, {"ofsted_urn", "SC000002"}});
    profile("shadyside", {{"ofsted_rating", "requires_improvement"}, {"ofsted_urn", "SC000003"}});
    profile("northgate", {{"living_wage_commitment", "london_living_wage"}});

    auto riverside = apply("riverside", dps_id, "lot2");
    auto oakwood = apply("oakwood", dps_id, "lot4");
    auto shadyside = apply("shadyside", dps_id, "lot2");
    auto northgate = apply("northgate", dps_id, "semi-independent-16plus");
    for (auto* r : {&riverside, &oakwood, &shadyside, &northgate}) {
        ASSERT_EQ(r->status, 201) << r->body;
        EXPECT_EQ(r->json().at("status"), "submitted");
    }
    EXPECT_EQ(apply("riverside", dps_id, "lot2").status, 409) << "one live application per lot";
    EXPECT_EQ(apply("riverside", dps_id, "lot9").status, 404);

    const auto id_of = [](const test::http_reply& r) { return r.json().at("id").as_int64(); };
    EXPECT_EQ(decide("newham:commissioner", id_of(riverside), {{"action", "admit"}}).json().at("status"), "admitted");
    EXPECT_EQ(decide("newham:commissioner", id_of(oakwood), {{"action", "admit"}}).json().at("status"), "admitted");
    EXPECT_EQ(decide("newham:commissioner", id_of(northgate), {{"action", "admit"}}).json().at("status"), "admitted");
    EXPECT_EQ(decide("newham:commissioner", id_of(shadyside), {{"action", "reject"}}).status, 400) << "a rejection needs a reason";
    auto rejected = decide("newham:commissioner", id_of(shadyside),
                           {{"action", "reject"}, {"reason", "rated Requires improvement by Ofsted; Lot 2 needs Good or better"}});
    EXPECT_EQ(rejected.json().at("status"), "rejected");
    // The provider sees the outcome and the reason.
    auto seen = call("shadyside", "GET", "/v1/applications/" + std::to_string(id_of(shadyside)));
    EXPECT_EQ(seen.json().at("status"), "rejected");
    EXPECT_NE(std::string(seen.json().at("reason").as_string()).find("Requires improvement"), std::string::npos);
    EXPECT_EQ(decide("newham:commissioner", id_of(shadyside), {{"action", "admit"}}).status, 409) << "no admitting a rejected application";
    EXPECT_EQ(call("riverside", "GET", "/v1/applications/" + std::to_string(id_of(shadyside))).status, 404) << "not another provider's";

    // Waltham Forest joins Lots 2 and 4; Newham's plugin prices each at 3,150 pounds a year.
    auto requested = call("waltham-forest:commissioner", "POST", path(dps_id, "/agreements"),
                          {{"lot_codes", {"lot2", "lot4"}}, {"starts_on", "2024-02-01"}, {"ends_on", "2026-03-08"}});
    ASSERT_EQ(requested.status, 201) << requested.body;
    const auto agreement = "/v1/agreements/" + std::to_string(id_of(requested));
    EXPECT_EQ(requested.json().at("status"), "requested");
    EXPECT_EQ(requested.json().at("annual_fee_pence"), 630000);
    EXPECT_EQ(call("waltham-forest:commissioner", "POST", agreement + "/decision", {{"action", "accept"}}).status, 403)
        << "the partner cannot accept its own request";
    auto accepted = call("newham:commissioner", "POST", agreement + "/decision", {{"action", "accept"}});
    ASSERT_EQ(accepted.status, 200) << accepted.body;
    EXPECT_EQ(accepted.json().at("status"), "active");
    const auto accepted_body = accepted.json();
    const auto& fees = accepted_body.at("fees").as_array();
    ASSERT_EQ(fees.size(), 3u); // Feb 2024–Jan 2025, Feb 2025–Jan 2026, and 1 Feb–8 Mar 2026 pro rata
    EXPECT_EQ(fees[0].at("amount_pence"), 630000);
    EXPECT_EQ(fees[0].at("due_on"), "2024-02-01");
    EXPECT_EQ(fees[1].at("amount_pence"), 630000);
    EXPECT_EQ(fees[2].at("year_ends_on"), "2026-03-08");
    EXPECT_EQ(fees[2].at("amount_pence"), (630000LL * 36 + 182) / 365) << "36 of 365 days";
    EXPECT_EQ(call("waltham-forest:commissioner", "POST", path(dps_id, "/agreements"),
                   {{"lot_codes", {"lot2"}}, {"starts_on", "2024-02-01"}, {"ends_on", "2026-03-08"}}).status,
              409)
        << "one live agreement per partner and DPS";

    // Waltham Forest sees the admitted providers of the lots it joined, and nothing else.
    EXPECT_EQ(names(call("waltham-forest:commissioner", "GET", path(dps_id, "/applications")).json()),
              (std::set<std::string>{"riverside/lot2", "oakwood/lot4"}));
    EXPECT_EQ(names(call("newham:commissioner", "GET", path(dps_id, "/applications")).json()).size(), 4u);
    EXPECT_EQ(names(call("riverside", "GET", path(dps_id, "/applications")).json()), (std::set<std::string>{"riverside/lot2"}));
    EXPECT_EQ(names(call("newham:commissioner", "GET", path(dps_id, "/applications?status=admitted")).json()).size(), 3u);
    EXPECT_EQ(call("newham:commissioner", "GET", path(dps_id, "/applications?status=approved")).status, 400) << "an unknown status is named";

    // On 1 March 2025 Waltham Forest gives six months' notice: the agreement ends on 1 September 2025.
    move_to(year{2025} / March / 1);
    EXPECT_EQ(call("waltham-forest:commissioner", "POST", agreement + "/notice", {{"given_on", "2025-02-28"}}).status, 400)
        << "notice cannot be back-dated";
    auto notice = call("waltham-forest:commissioner", "POST", agreement + "/notice", {{"given_on", "2025-03-01"}});
    ASSERT_EQ(notice.status, 200) << notice.body;
    EXPECT_EQ(notice.json().at("status"), "notice_given");
    EXPECT_EQ(notice.json().at("effective_end_on"), "2025-09-01");
    EXPECT_EQ(notice.json().at("fees").as_array().size(), 2u) << "no fee for the year that would start in 2026";
    EXPECT_EQ(call("newham:commissioner", "POST", agreement + "/notice", {{"given_on", "2025-03-02"}}).status, 409);

    move_to(year{2025} / August / 31);
    EXPECT_EQ(call("newham:commissioner", "GET", agreement).json().at("status"), "notice_given");
    move_to(year{2025} / September / 1);
    auto ended = call("waltham-forest:finance", "GET", agreement);
    EXPECT_EQ(ended.json().at("status"), "terminated");
    auto again = call("waltham-forest:commissioner", "POST", agreement + "/notice", {{"given_on", "2025-09-01"}});
    EXPECT_EQ(again.status, 409);
    EXPECT_NE(std::string(again.json().at("error").at("message").as_string()).find("terminated"), std::string::npos);
    EXPECT_TRUE(names(call("waltham-forest:commissioner", "GET", path(dps_id, "/applications")).json()).empty())
        << "after the agreement ends the partner no longer sees the lots' providers";

    auto history = call("newham:commissioner", "GET", agreement + "/history").json().at("items").as_array();
    std::vector<std::string> actions;
    for (const auto& h : history) actions.emplace_back(h.at("action").as_string());
    EXPECT_EQ(actions, (std::vector<std::string>{"request", "accept", "give_notice", "terminate"}));
    EXPECT_EQ(history.back().at("actor"), "system");
}

TEST_F(dps_story, HaringeyRefusesLot1WithoutGoodCqcButAdmitsToLot2)
{
    const auto dps_id = create_open_dps("haringey", "2025-04-01", "2027-03-31");
    move_to(year{2025} / May / 1);
    profile("brightpath", {{"cqc_rating", "requires_improvement"}, {"cqc_location_id", "1-000000001"},
                           {"living_wage_commitment", "london_living_wage"}});
    auto lot1 = apply("brightpath", dps_id, "lot1");
    ASSERT_EQ(lot1.status, 201) << lot1.body;
    EXPECT_EQ(lot1.json().at("status"), "rejected");
    const std::string reason{lot1.json().at("reason").as_string()};
    EXPECT_NE(reason.find("Requires improvement"), std::string::npos) << reason;
    EXPECT_NE(reason.find("Good"), std::string::npos) << reason;
    bool minimum_failed = false;
    const auto lot1_body = lot1.json();
    for (const auto& c : lot1_body.at("checks").as_array())
        if (c.at("criterion") == "minimum_rating") minimum_failed = !c.at("passed").as_bool();
    EXPECT_TRUE(minimum_failed) << lot1.body;

    auto lot2 = apply("brightpath", dps_id, "lot2");
    ASSERT_EQ(lot2.status, 201) << lot2.body;
    EXPECT_EQ(lot2.json().at("status"), "submitted") << lot2.body;
    EXPECT_EQ(decide("haringey:commissioner", lot2.json().at("id").as_int64(), {{"action", "admit"}}).json().at("status"), "admitted");

    // After improving its rating, the provider may apply to Lot 1 again.
    profile("brightpath", {{"cqc_rating", "good"}});
    auto again = apply("brightpath", dps_id, "lot1");
    EXPECT_EQ(again.json().at("status"), "submitted") << again.body;
}

TEST_F(dps_story, SuspensionAndReinstatement)
{
    const auto dps_id = create_open_dps("newham", "2024-02-01", "2026-03-08");
    profile("riverside", {{"ofsted_rating", "good"}, {"ofsted_urn", "SC000001"}});
    auto applied = apply("riverside", dps_id, "lot2");
    const auto id = applied.json().at("id").as_int64();
    ASSERT_EQ(decide("newham:commissioner", id, {{"action", "admit"}}).status, 200);

    EXPECT_EQ(decide("newham:commissioner", id, {{"action", "suspend"}, {"reason", "not paying the London Living Wage"}}).status, 400)
        << "a suspension says what evidence is needed";
    EXPECT_EQ(decide("newham:commissioner", id,
                     {{"action", "suspend"}, {"reason", "not paying the London Living Wage"}, {"evidence_required", "payroll"},
                      {"effective_on", "2024-02-01"}}).status,
              400)
        << "a suspension cannot be scheduled for a later date";
    auto suspended = decide("newham:commissioner", id,
                            {{"action", "suspend"}, {"reason", "not paying the London Living Wage"},
                             {"evidence_required", "payroll showing pay backdated to the London Living Wage"}});
    ASSERT_EQ(suspended.status, 200) << suspended.body;
    EXPECT_EQ(suspended.json().at("status"), "suspended");
    EXPECT_EQ(suspended.json().at("suspended_from"), "2024-01-15");
    EXPECT_EQ(decide("riverside", id, {{"action", "reinstate"}}).status, 403) << "a provider cannot reinstate itself";
    auto reinstated = decide("newham:commissioner", id, {{"action", "reinstate"}});
    EXPECT_EQ(reinstated.json().at("status"), "admitted");
    EXPECT_TRUE(reinstated.json().at("suspended_from").is_null());
    EXPECT_EQ(decide("newham:commissioner", id, {{"action", "reinstate"}}).status, 409);
    EXPECT_EQ(decide("newham:commissioner", id, {{"action", "remove"}, {"reason", "left the market"}}).json().at("status"), "removed");

    auto history = call("riverside", "GET", "/v1/applications/" + std::to_string(id) + "/history").json().at("items").as_array();
    std::vector<std::string> actions;
    for (const auto& h : history) actions.emplace_back(h.at("action").as_string());
    EXPECT_EQ(actions, (std::vector<std::string>{"apply", "admit", "suspend", "reinstate", "remove"}));
}

TEST_F(dps_story, IllegalMovesAnswer409AndChangeNothing)
{
    const auto dps_id = create_open_dps("newham", "2024-02-01", "2026-03-08");
    EXPECT_EQ(call("newham:commissioner", "POST", path(dps_id, "/status"), {{"action", "open"}}).status, 409);
    EXPECT_EQ(call("newham:commissioner", "POST", path(dps_id, "/status"), {{"action", "explode"}}).status, 400);
    EXPECT_EQ(call("newham:commissioner", "POST", path(dps_id, "/extend"), {{"term_ends_on", "2031-01-01"}}).status, 400)
        << "beyond the extension options";
    EXPECT_EQ(call("newham:commissioner", "POST", path(dps_id, "/extend"), {{"term_ends_on", "2025-01-01"}}).status, 400);
    auto extended = call("newham:commissioner", "POST", path(dps_id, "/extend"), {{"term_ends_on", "2028-03-08"}});
    EXPECT_EQ(extended.json().at("term_ends_on"), "2028-03-08") << extended.body;
    EXPECT_EQ(call("waltham-forest:commissioner", "POST", path(dps_id, "/agreements"),
                   {{"lot_codes", {"lot2", "lot2"}}, {"starts_on", "2024-02-01"}, {"ends_on", "2026-03-08"}}).status,
              400)
        << "joining a lot twice";
    EXPECT_EQ(call("waltham-forest:commissioner", "POST", path(dps_id, "/agreements"),
                   {{"lot_codes", {"lot2"}}, {"starts_on", "2024-02-01"}, {"ends_on", "2031-01-01"}}).status,
              400)
        << "beyond the DPS's term";
    EXPECT_EQ(call("newham:commissioner", "POST", path(dps_id, "/agreements"),
                   {{"lot_codes", {"lot2"}}, {"starts_on", "2024-02-01"}, {"ends_on", "2026-03-08"}}).status,
              409)
        << "a lead cannot join its own DPS";

    profile("riverside", {{"ofsted_rating", "good"}, {"ofsted_urn", "SC000001"}});
    auto applied = apply("riverside", dps_id, "lot2");
    ASSERT_EQ(call("newham:commissioner", "POST", path(dps_id, "/status"), {{"action", "close"}}).status, 200);
    auto admit = decide("newham:commissioner", applied.json().at("id").as_int64(), {{"action", "admit"}});
    EXPECT_EQ(admit.status, 409) << "admitting to a closed DPS";
    EXPECT_NE(std::string(admit.json().at("error").at("message").as_string()).find("closed"), std::string::npos);
    EXPECT_EQ(apply("oakwood", dps_id, "lot4").status, 409) << "applying to a closed DPS";
    EXPECT_EQ(call("riverside", "GET", "/v1/applications/" + std::to_string(applied.json().at("id").as_int64())).json().at("status"),
              "submitted");
    EXPECT_EQ(call("newham:commissioner", "POST", path(dps_id, "/status"), {{"action", "reopen"}}).status, 409);
}

TEST_F(dps_story, ADpsExpiresAfterItsTerm)
{
    const auto dps_id = create_open_dps("haringey", "2025-04-01", "2025-12-31");
    move_to(year{2026} / January / 1);
    auto d = call("brightpath", "GET", path(dps_id));
    EXPECT_EQ(d.json().at("status"), "expired");
    EXPECT_EQ(apply("brightpath", dps_id, "lot2").status, 409);
}

TEST_F(dps_story, APartnersLotsChangeAndItsFeesFollow)
{
    const auto dps_id = create_open_dps("newham", "2024-02-01", "2026-03-08");
    auto joined = call("waltham-forest:commissioner", "POST", path(dps_id, "/agreements"),
                       {{"lot_codes", {"lot2"}}, {"starts_on", "2024-02-01"}, {"ends_on", "2026-01-31"}});
    ASSERT_EQ(joined.status, 201) << joined.body;
    const auto agreement = "/v1/agreements/" + std::to_string(joined.json().at("id").as_int64());
    auto accepted = call("newham:commissioner", "POST", agreement + "/decision", {{"action", "accept"}}).json();
    ASSERT_EQ(accepted.at("fees").as_array().size(), 2u);
    EXPECT_EQ(accepted.at("fees").as_array()[0].at("amount_pence"), 315000);
    EXPECT_EQ(accepted.at("fees").as_array()[1].at("amount_pence"), 315000);

    move_to(year{2024} / June / 1);
    EXPECT_EQ(call("newham:commissioner", "POST", agreement + "/lots", {{"lot_code", "lot4"}}).status, 403) << "only the partner changes its lots";
    auto added = call("waltham-forest:commissioner", "POST", agreement + "/lots", {{"lot_code", "lot4"}}).json();
    EXPECT_EQ(added.at("annual_fee_pence"), 630000);
    EXPECT_EQ(added.at("fees").as_array()[0].at("amount_pence"), 315000) << "the year already running is unchanged";
    EXPECT_EQ(added.at("fees").as_array()[1].at("amount_pence"), 630000) << "the next year charges both lots";
    EXPECT_EQ(call("waltham-forest:commissioner", "POST", agreement + "/lots", {{"lot_code", "lot4"}}).status, 409);

    auto dropped = call("waltham-forest:commissioner", "DELETE", agreement + "/lots/lot4").json();
    EXPECT_EQ(dropped.at("annual_fee_pence"), 315000);
    EXPECT_EQ(dropped.at("fees").as_array()[1].at("amount_pence"), 315000);
    EXPECT_EQ(call("waltham-forest:commissioner", "DELETE", agreement + "/lots/lot2").status, 409) << "not the last lot";

    const auto fee_id = dropped.at("fees").as_array()[0].at("id").as_int64();
    const auto paid_path = agreement + "/fees/" + std::to_string(fee_id) + "/paid";
    EXPECT_EQ(call("waltham-forest:finance", "POST", paid_path, {{"paid_on", "2024-02-10"}}).status, 403) << "the lead records payments";
    auto paid = call("newham:finance", "POST", paid_path, {{"paid_on", "2024-02-10"}});
    EXPECT_EQ(paid.json().at("fees").as_array()[0].at("status"), "paid") << paid.body;
    EXPECT_EQ(call("newham:finance", "POST", paid_path, {{"paid_on", "2024-02-11"}}).status, 409);
}
