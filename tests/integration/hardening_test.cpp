// Issue 15's defects, each as a regression test over HTTPS on both databases: every one of these
// crashed dpsd, broke a money bound or leaked data before its fix.
#include "calloff/calloff_service.hpp"
#include "db/migrations.hpp"
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

// Defect 11: withdrawing a bid did not re-check that the provider is still admitted to the lot.
TEST_F(hardening, ASuspendedProviderCannotWithdrawItsBid)
{
    const auto dps_id = open_dps("newham", "2024-02-01", "2026-03-08");
    const auto application = admit("newham", "riverside", dps_id, "lot2");
    const auto id = published("newham", dps_id, "lot2", hourly_package("2024-05-01", 10, 12), "2024-03-20T12:00:00Z");
    auto bid = call("riverside", "POST", co(id, "/bids"), {{"hourly_rate_pence", 2500}, {"hours_per_week", 10}, {"earliest_start", "2024-05-01"}});
    ASSERT_EQ(bid.status, 201) << bid.body;
    auto suspended = call("newham:commissioner", "POST", "/v1/applications/" + std::to_string(application) + "/decision",
                          {{"action", "suspend"}, {"reason", "safeguarding review"}, {"evidence_required", "the review's outcome"}});
    ASSERT_EQ(suspended.status, 200) << suspended.body;
    ASSERT_EQ(suspended.json().at("status"), "suspended") << suspended.body;
    auto withdrawn = call("riverside", "POST", "/v1/bids/" + std::to_string(id_of(bid)) + "/withdraw");
    EXPECT_EQ(withdrawn.status, 404) << withdrawn.body;
    EXPECT_EQ(count_rows("SELECT count(*) FROM bids WHERE status = 'submitted'"), 1) << "the bid is unchanged";
}

// Defect 11: a session token (8 hours) could mint a 365-day API token: a stolen credential made itself permanent.
TEST_F(hardening, ACredentialCannotMintATokenThatOutlivesItWithoutThePassword)
{
    const identity::acting cli{nullptr, "hardening"};
    ASSERT_TRUE(platform_.app().identity().set_password(cli, users_.at("riverside"), "a long enough password").ok());
    auto session = client_.send("POST", "/v1/sessions", R"({"email":"bids@riverside.test","password":"a long enough password"})",
                                {{"Content-Type", "application/json"}});
    ASSERT_EQ(session.status, 201) << session.body;
    tokens_["riverside:session"] = std::string(session.json().at("token").as_string());
    const auto path = "/v1/users/" + std::to_string(users_.at("riverside")) + "/tokens";
    const auto tokens_before = count_rows("SELECT count(*) FROM api_tokens WHERE kind = 'api'");

    auto bare = call("riverside:session", "POST", path, {{"label", "forever"}, {"expires_in_days", 365}});
    EXPECT_EQ(bare.status, 403) << bare.body;
    EXPECT_EQ(bare.json().at("error").at("code"), "password_required");
    auto wrong = call("riverside:session", "POST", path, {{"label", "forever"}, {"expires_in_days", 365}, {"password", "not my password"}});
    EXPECT_EQ(wrong.status, 403) << wrong.body;
    EXPECT_EQ(wrong.json().at("error").at("code"), "invalid_credentials");
    // A 30-day API token cannot stretch itself to a year either, but may mint shorter ones.
    EXPECT_EQ(call("riverside", "POST", path, {{"expires_in_days", 365}}).status, 403);
    EXPECT_EQ(count_rows("SELECT count(*) FROM api_tokens WHERE kind = 'api'"), tokens_before) << "nothing was issued";
    EXPECT_EQ(call("riverside", "POST", path, {{"expires_in_days", 7}}).status, 201);
    // Unasked, the lifetime is capped at the asking credential's (issued 2024-03-01 12:00 for 30 days).
    auto unasked = call("riverside", "POST", path, {{"label", "default"}});
    ASSERT_EQ(unasked.status, 201) << unasked.body;
    EXPECT_LE(std::string(unasked.json().at("expires_at").as_string()), "2024-03-31T12:00:00.000Z");
    // With the password, the year is granted.
    auto confirmed = call("riverside:session", "POST", path, {{"label", "ci"}, {"expires_in_days", 365}, {"password", "a long enough password"}});
    EXPECT_EQ(confirmed.status, 201) << confirmed.body;
}

// Defect 11: a client's X-Request-Id landed in audit rows as if dpsd had issued it.
TEST_F(hardening, AClientChosenRequestIdIsMarkedAsTheClientsInTheAuditLog)
{
    test::header_list headers{{"Content-Type", "application/json"}, {"Authorization", "Bearer " + tokens_.at("newham:commissioner")},
                              {"X-Request-Id", "0123456789abcdef0123456789abcdef"}};
    const auto body = R"({"title":"t","category":"care","regime":"pcr2015_reg34","term_starts_on":"2024-02-01","term_ends_on":"2026-03-08"})";
    auto forged = client_.send("POST", "/v1/dps", body, headers);
    ASSERT_EQ(forged.status, 201) << forged.body;
    EXPECT_EQ(forged.header("x-request-id"), "0123456789abcdef0123456789abcdef") << "still echoed for the client's own tracing";
    EXPECT_EQ(count_rows("SELECT count(*) FROM audit_log WHERE request_id = 'client:0123456789abcdef0123456789abcdef'"), 1);
    EXPECT_EQ(count_rows("SELECT count(*) FROM audit_log WHERE request_id = '0123456789abcdef0123456789abcdef'"), 0);
    headers.pop_back();
    auto ours = client_.send("POST", "/v1/dps", body, headers);
    ASSERT_EQ(ours.status, 201);
    EXPECT_EQ(count_rows("SELECT count(*) FROM audit_log WHERE request_id = '" + ours.header("x-request-id") + "'"), 1);
}

// Defect 11, the second wall: row-level security itself hides drafts from other councils and
// providers, call-offs from a suspended organisation, business data from operators, and another
// council's objects from the owner lookups the access guard makes in the caller's scope.
TEST_F(hardening, PostgresqlOnly_RowSecurityIsASecondWallNotALooserCopy)
{
    auto& database = platform_.app().database();
    auto in = [&](const db::scope& where, const std::string& query) {
        long long n = -1;
        EXPECT_TRUE(database.transact(where, [&](soci::session& sql) -> status {
            sql << query, soci::into(n);
            return ok_status();
        }).ok()) << query;
        return n;
    };
    auto draft = call("newham:commissioner", "POST", "/v1/dps",
                      {{"title", "draft"}, {"category", "care"}, {"regime", "pcr2015_reg34"}, {"term_starts_on", "2024-02-01"},
                       {"term_ends_on", "2026-03-08"}});
    ASSERT_EQ(draft.status, 201);
    const std::string draft_rows = "SELECT count(*) FROM dps_systems WHERE id = " + std::to_string(id_of(draft));
    const std::string draft_lots = "SELECT count(*) FROM lots WHERE dps_id = " + std::to_string(id_of(draft));
    ASSERT_EQ(call("newham:commissioner", "POST", dps_path(id_of(draft), "/lots/from-plugin")).status, 201);
    EXPECT_EQ(in(db::scope::tenant(tenants_.at("newham")), draft_rows), 1);
    EXPECT_GT(in(db::scope::tenant(tenants_.at("newham")), draft_lots), 0);
    EXPECT_EQ(in(db::scope::tenant(tenants_.at("haringey")), draft_rows), 0);
    EXPECT_EQ(in(db::scope::tenant(tenants_.at("haringey")), draft_lots), 0);
    EXPECT_EQ(in(db::scope::provider(providers_.at("riverside")), draft_rows), 0);
    EXPECT_EQ(in(db::scope::operator_desk(), draft_rows), 0);

    const auto dps_id = open_dps("newham", "2024-02-01", "2026-03-08");
    admit("newham", "riverside", dps_id, "lot2");
    const auto id = published("newham", dps_id, "lot2", hourly_package("2024-05-01", 10, 12), "2024-03-20T12:00:00Z");
    const auto riverside = db::scope::provider(providers_.at("riverside"));
    EXPECT_EQ(in(riverside, "SELECT count(*) FROM call_offs"), 1);
    EXPECT_EQ(in(db::scope::operator_desk(), "SELECT count(*) FROM call_offs"), 0);
    EXPECT_EQ(in(db::scope::operator_desk(), "SELECT count(*) FROM applications"), 0);
    EXPECT_GT(in(db::scope::operator_desk(), "SELECT count(*) FROM lots WHERE dps_id = " + std::to_string(dps_id)), 0) << "the published catalogue";
    EXPECT_GT(in(db::scope::operator_desk(), "SELECT count(*) FROM users"), 0);
    EXPECT_EQ(in(db::scope::operator_desk(), "SELECT count(*) FROM audit_log"), 0);

    // The owner lookups see what the caller's scope sees.
    auto& calloffs = platform_.app().calloffs();
    auto mine = calloffs.call_off_owner(id, db::scope::tenant(tenants_.at("newham")));
    ASSERT_TRUE(mine.ok());
    EXPECT_TRUE(mine->has_value());
    auto theirs = calloffs.call_off_owner(id, db::scope::tenant(tenants_.at("haringey")));
    ASSERT_TRUE(theirs.ok());
    EXPECT_FALSE(theirs->has_value()) << "Haringey's lookup of Newham's call-off finds nothing";

    // An organisation suspended on the platform reads no call-off, as the application's own check says.
    ASSERT_TRUE(database.transact(db::scope::platform(), [&](soci::session& sql) -> status {
        long long key = providers_.at("riverside");
        sql << "UPDATE provider_organisations SET status = 'suspended' WHERE id = :id", soci::use(key);
        return ok_status();
    }).ok());
    EXPECT_EQ(in(riverside, "SELECT count(*) FROM call_offs"), 0);
}

// Defect 10: dpsd's role owned the schema, so it could disable the audit log's triggers and rewrite it.
TEST_F(hardening, PostgresqlOnly_TheRuntimeRoleCannotRewriteTheAuditLogOrLowerTheWalls)
{
    auto& database = platform_.app().database(); // connected as the runtime role, as dpsd is
    auto owns = db::owns_schema_tables(database);
    ASSERT_TRUE(owns.ok());
    EXPECT_FALSE(*owns);
    const auto audited = count_rows("SELECT count(*) FROM audit_log");
    ASSERT_GT(audited, 0);
    for (const std::string statement :
         {"ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update", "ALTER TABLE audit_log DISABLE TRIGGER ALL",
          "UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log", "TRUNCATE audit_log",
          "DROP POLICY tenant_wall ON audit_log", "ALTER TABLE call_offs NO FORCE ROW LEVEL SECURITY",
          "ALTER TABLE call_offs DISABLE ROW LEVEL SECURITY", "DROP TRIGGER audit_log_no_update ON audit_log",
          "UPDATE dps_decisions SET reason = 'rewritten'", "DELETE FROM schema_migrations", "CREATE TABLE sneaky (id int)"}) {
        auto done = database.transact(db::scope::platform(), [&](soci::session& sql) -> status {
            sql << statement;
            return ok_status();
        });
        EXPECT_FALSE(done.ok()) << statement << " must be refused to the runtime role";
    }
    EXPECT_EQ(count_rows("SELECT count(*) FROM audit_log"), audited);
    EXPECT_EQ(count_rows("SELECT count(*) FROM audit_log WHERE actor = 'someone else'"), 0);
}
