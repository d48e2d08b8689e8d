// Issue 15's defects, each as a regression test over HTTPS on both databases: every one of these
// crashed dpsd, broke a money bound or leaked data before its fix.
#include "support/calloff_fixture.hpp"


using namespace dps;
using namespace std::chrono;

namespace {

class hardening : public test::calloff_contracts_fixture {};

} // namespace

// Defect 1: "name" or "A1" followed by tens of thousands of spaces overflowed std::regex's recursion (SIGSEGV).
TEST_F(hardening, AHugeRunOfSpacesInAPackageIsRefusedWithoutCrashing)
{
    const auto dps_id = open_dps("newham", "2024-02-01", "2026-03-08");
    for (const std::string head : {"name", "A1"}) {
        for (std::size_t spaces : {20000u, 35000u, 40000u}) {
            auto package = hourly_package("2024-04-01", 10, 12);
            package["requirements"] = head + std::string(spaces, ' ');
            auto r = create("newham", dps_id, "lot2", package, "2024-03-15T12:00:00Z");
            EXPECT_EQ(r.status, 400) << head << " + " << spaces;
            EXPECT_EQ(r.json().at("error").at("code"), "invalid_field");
        }
    }
    EXPECT_EQ(count_rows("SELECT count(*) FROM call_offs"), 0);
    EXPECT_EQ(call("newham:commissioner", "GET", "/v1/me").status, 200) << "the server still answers";
}

// Defect 2: a variation's value overflowed int64 to £909.44 and took the lowest approval tier.
TEST_F(hardening, AVariationBeyondTheMoneyBoundsIsRefusedAndChangesNothing)
{
    const auto id = haringey_contract(2500, 10, 26);
    const auto before = call("haringey:commissioner", "GET", ct(id));
    ASSERT_EQ(before.status, 200) << before.body;
    auto huge = call("haringey:commissioner", "POST", ct(id, "/variations"),
                     {{"hourly_rate_pence", 277148589789}, {"hours_per_week", 160}, {"ends_on", "9999-08-16"}});
    EXPECT_EQ(huge.status, 400) << huge.body;
    EXPECT_NE(huge.body.find("hourly_rate_pence"), std::string::npos) << huge.body;
    auto far = call("haringey:commissioner", "POST", ct(id, "/variations"), {{"ends_on", "9999-08-16"}});
    EXPECT_EQ(far.status, 400) << far.body;
    EXPECT_NE(far.body.find("ends_on"), std::string::npos) << far.body;
    auto dear = call("haringey:commissioner", "POST", ct(id, "/variations"), {{"hourly_rate_pence", 100001}});
    EXPECT_EQ(dear.status, 400) << "above £1,000 an hour: " << dear.body;
    EXPECT_EQ(count_rows("SELECT count(*) FROM awards WHERE kind <> 'award'"), 0);
    EXPECT_EQ(call("haringey:commissioner", "GET", ct(id)).json().at("value_pence"), before.json().at("value_pence"));
    // The largest rate and weekly cost accepted still price within int64 and the £1bn bound.
    auto top = call("haringey:commissioner", "POST", ct(id, "/variations"), {{"hourly_rate_pence", 100000}, {"hours_per_week", 168},
                                                                            {"ends_on", "2100-12-31"}});
    EXPECT_TRUE(top.status == 201 || top.status == 409 || top.status == 422) << top.body;
    if (top.status == 201) EXPECT_GT(top.json().at("value_pence").as_int64(), before.json().at("value_pence").as_int64());
}

// Defect 4: accepting an agreement that ends in 9999 (on a DPS whose term ran to 9999) dereferenced an empty optional.
TEST_F(hardening, DatesPastTwentyOneHundredAreRefusedAndATermToThenSchedulesItsFees)
{
    auto dps = [&](const std::string& ends) {
        return call("newham:commissioner", "POST", "/v1/dps",
                    {{"title", "long"}, {"category", "care"}, {"regime", "pcr2015_reg34"}, {"term_starts_on", "2024-02-01"},
                     {"term_ends_on", ends}, {"latest_end_on", ends}});
    };
    auto forever = dps("9999-12-31");
    EXPECT_EQ(forever.status, 400) << forever.body;
    EXPECT_NE(forever.body.find("2100-12-31"), std::string::npos) << "the error says the range: " << forever.body;
    EXPECT_EQ(count_rows("SELECT count(*) FROM dps_systems"), 0);
    auto century = dps("2100-12-31");
    ASSERT_EQ(century.status, 201) << century.body;
    const auto dps_id = id_of(century);
    ASSERT_EQ(call("newham:commissioner", "POST", dps_path(dps_id, "/lots/from-plugin")).status, 201);
    ASSERT_EQ(call("newham:commissioner", "POST", dps_path(dps_id, "/status"), {{"action", "open"}}).status, 200);
    auto late = call("waltham-forest:commissioner", "POST", dps_path(dps_id, "/agreements"),
                     {{"lot_codes", {"lot2"}}, {"starts_on", "2024-02-01"}, {"ends_on", "9999-12-31"}});
    EXPECT_EQ(late.status, 400) << late.body;
    join("newham", "waltham-forest", dps_id, {"lot2"}, "2024-02-01", "2100-12-31");
    EXPECT_EQ(count_rows("SELECT count(*) FROM agreement_fees"), 77) << "one fee an agreement year, February 2024 to December 2100";
}

// Defect 7: the operator read a draft DPS and every application's criteria and rejection reasons.
TEST_F(hardening, TheOperatorReadsNoBusinessData)
{
    auto& ids = platform_.app().identity();
    auto op = ids.create_operator({nullptr, "hardening"}, {"ops@platform.test", "Ops", std::nullopt, {}});
    ASSERT_TRUE(op.ok());
    tokens_["operator"] = ids.issue_token({nullptr, "hardening"}, op->id, "t", 1)->secret;
    auto draft = call("newham:commissioner", "POST", "/v1/dps",
                      {{"title", "draft"}, {"category", "care"}, {"regime", "pcr2015_reg34"}, {"term_starts_on", "2024-02-01"},
                       {"term_ends_on", "2026-03-08"}});
    ASSERT_EQ(draft.status, 201);
    EXPECT_EQ(call("operator", "GET", dps_path(id_of(draft))).status, 404) << "a draft is its lead's alone";
    const auto open = open_dps("newham", "2024-02-01", "2026-03-08");
    admit("newham", "riverside", open, "lot2");
    EXPECT_EQ(call("operator", "GET", dps_path(open)).status, 200) << "an open DPS is in the catalogue";
    EXPECT_EQ(call("operator", "GET", dps_path(open, "/applications")).status, 403);
    EXPECT_EQ(call("newham:commissioner", "GET", dps_path(open, "/applications")).json().at("items").as_array().size(), 1u);
}

// Defect 8: a fixture's "lead" ran another tenant's plugin and listed its lots to a stranger.
TEST_F(hardening, AFixtureMayNameOnlyALeadTheCouncilHasAnAgreementWith)
{
    const std::string dir = std::string{DPS_SOURCE_DIR} + "/tenants/waltham-forest";
    const auto source = test::read_text_file(dir + "/plugin.lua");
    auto fixtures = boost::json::parse(test::read_text_file(dir + "/fixtures.json"));
    const auto upload = [&](const std::string& council, const std::string& lead) {
        fixtures.as_object()["lead"] = lead;
        return call(council + ":tenant_admin", "POST", "/v1/tenants/" + std::to_string(tenants_.at(council)) + "/plugin/versions",
                    {{"source", source}, {"fixtures", fixtures}});
    };
    auto stranger = upload("haringey", "newham");
    EXPECT_EQ(stranger.status, 422) << stranger.body;
    EXPECT_EQ(stranger.body.find("lot2"), std::string::npos) << "Newham's lot codes leaked: " << stranger.body;
    auto unknown = upload("haringey", "no-such-council");
    EXPECT_EQ(unknown.status, 422);
    auto message = [](const test::http_reply& r, const std::string& slug) {
        std::string m{r.json().at("error").at("message").as_string()};
        if (auto at = m.find(slug); at != std::string::npos) m.erase(at, slug.size());
        return m;
    };
    EXPECT_EQ(message(stranger, "newham"), message(unknown, "no-such-council")) << "an unknown slug answers like a real one";

    const auto dps_id = open_dps("newham", "2024-02-01", "2026-03-08");
    join("newham", "waltham-forest", dps_id, {"lot2", "lot4"}, "2024-02-01", "2026-03-08");
    auto partner = upload("waltham-forest", "newham");
    EXPECT_EQ(partner.status, 201) << partner.body;
}
