// V006 on a database that already holds call-offs: SQLite rebuilds call_offs (to allow the
// 'negotiating' status) inside the migration's transaction, and the bids referring to it must keep
// their call-off; PostgreSQL swaps the CHECK constraint.
#include "core/clock.hpp"
#include "db/database.hpp"
#include "db/database_url.hpp"
#include "db/migrations.hpp"
#include "support/test_database.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

using namespace dps;

namespace {

struct negotiation_migration : ::testing::Test {
    test::scratch_database scratch;
    db::database database{*db::parse_database_url(scratch.owner_url()), 2}; // migrations run as the schema owner
    system_clock clock;

    status run(const std::string& statement)
    {
        return database.transact(db::scope::platform(), [&](soci::session& sql) -> status {
            sql << statement;
            return ok_status();
        });
    }

    long long count(const std::string& query)
    {
        long long n = -1;
        EXPECT_TRUE(database.transact(db::scope::platform(), [&](soci::session& sql) -> status {
            sql << query, soci::into(n);
            return ok_status();
        }).ok());
        return n;
    }
};

} // namespace

TEST_F(negotiation_migration, KeepsExistingCallOffsAndTheirBidsAndAllowsNegotiating)
{
    std::vector<db::migration> up_to_v005;
    for (const auto& m : db::embedded_migrations())
        if (m.version <= 5) up_to_v005.push_back(m);
    ASSERT_EQ(up_to_v005.size(), 5u);
    ASSERT_TRUE(db::migrate(database, up_to_v005, clock).ok());
    const char* at = "2024-03-01T12:00:00.000Z";
    for (const std::string statement : {
             std::string{"INSERT INTO tenants (id, slug, name, kind, created_at) VALUES (7, 'newham', 'Newham', 'council', '"} + at + "')",
             std::string{"INSERT INTO provider_organisations (id, name, created_at) VALUES (3, 'Riverside', '"} + at + "')",
             std::string{"INSERT INTO dps_systems (id, tenant_id, title, category, regime, term_starts_on, term_ends_on, latest_end_on, status, "
                         "created_at, updated_at) VALUES (5, 7, 'DPS', 'care', 'pcr2015_reg34', '2024-01-01', '2026-01-01', '2027-01-01', "
                         "'open', '"} + at + "', '" + at + "')",
             std::string{"INSERT INTO lots (id, dps_id, tenant_id, code, name, created_at) VALUES (11, 5, 7, 'lot1', 'Lot 1', '"} + at + "')",
             std::string{"INSERT INTO call_offs (id, dps_id, lot_id, lead_tenant_id, tenant_id, title, package, starts_on, duration_weeks, "
                         "bid_deadline, status, created_at, updated_at) VALUES (42, 5, 11, 7, 7, 'Package', '{}', '2024-04-01', 8, '"} +
                 at + "', 'evaluated', '" + at + "', '" + at + "')",
             std::string{"INSERT INTO bids (id, call_off_id, tenant_id, provider_org_id, weekly_cost_pence, total_pence, earliest_start, status, "
                         "submitted_at, updated_at) VALUES (9, 42, 7, 3, 100, 800, '2024-04-01', 'submitted', '"} + at + "', '" + at + "')"})
        ASSERT_TRUE(run(statement).ok()) << statement;

    auto applied = db::migrate(database, db::embedded_migrations(), clock);
    ASSERT_TRUE(applied.ok()) << applied.err().message;
    ASSERT_FALSE(applied->empty());
    EXPECT_EQ(applied->front(), 6); // and any later migrations
    EXPECT_EQ(count("SELECT count(*) FROM call_offs WHERE id = 42 AND title = 'Package' AND status = 'evaluated'"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM bids b JOIN call_offs c ON c.id = b.call_off_id WHERE b.id = 9"), 1);
    EXPECT_TRUE(run("UPDATE call_offs SET status = 'negotiating' WHERE id = 42").ok());
    EXPECT_FALSE(run("UPDATE call_offs SET status = 'haggling' WHERE id = 42").ok()) << "the status is still checked";
    EXPECT_FALSE(run("INSERT INTO bids (call_off_id, tenant_id, provider_org_id, weekly_cost_pence, total_pence, earliest_start, status, "
                     "submitted_at, updated_at) VALUES (4242, 7, 3, 100, 800, '2024-04-01', 'submitted', 'x', 'x')")
                     .ok())
        << "bids still refer to call_offs";
    EXPECT_TRUE(run("INSERT INTO negotiation_rounds (call_off_id, tenant_id, bafo_deadline, opened_by, opened_at) "
                    "VALUES (42, 7, 'x', 'user:1', 'x')")
                    .ok());
    EXPECT_EQ(count("SELECT count(*) FROM call_offs"), 1);
}

// V011 on a database that already holds a spot purchase: the reason, until then only in the
// call-off's decision history, is copied onto the purchase; one closed without a reason stays NULL.
TEST_F(negotiation_migration, SpotPurchaseReasonsAreBackfilledFromTheDecisionHistory)
{
    std::vector<db::migration> up_to_v010;
    for (const auto& m : db::embedded_migrations())
        if (m.version <= 10) up_to_v010.push_back(m);
    ASSERT_EQ(up_to_v010.size(), 10u);
    ASSERT_TRUE(db::migrate(database, up_to_v010, clock).ok());
    const std::string at = "2024-03-01T12:00:00.000Z";
    const std::string call_off = "INSERT INTO call_offs (id, dps_id, lot_id, lead_tenant_id, tenant_id, title, package, starts_on, "
                                 "duration_weeks, bid_deadline, status, created_at, updated_at) VALUES (";
    for (const std::string statement : {
             "INSERT INTO tenants (id, slug, name, kind, created_at) VALUES (7, 'newham', 'Newham', 'council', '" + at + "')",
             "INSERT INTO dps_systems (id, tenant_id, title, category, regime, term_starts_on, term_ends_on, latest_end_on, status, "
             "created_at, updated_at) VALUES (5, 7, 'DPS', 'care', 'pcr2015_reg34', '2024-01-01', '2026-01-01', '2027-01-01', 'open', '" +
                 at + "', '" + at + "')",
             "INSERT INTO lots (id, dps_id, tenant_id, code, name, created_at) VALUES (11, 5, 7, 'lot1', 'Lot 1', '" + at + "')",
             call_off + "42, 5, 11, 7, 7, 'A', '{}', '2024-04-01', 8, '" + at + "', 'unfilled', '" + at + "', '" + at + "')",
             call_off + "43, 5, 11, 7, 7, 'B', '{}', '2024-04-01', 8, '" + at + "', 'unfilled', '" + at + "', '" + at + "')",
             "INSERT INTO spot_purchases (id, call_off_id, tenant_id, provider_name, cost_pence, recorded_at) VALUES (1, 42, 7, 'Eastside', 900, '" +
                 at + "')",
             "INSERT INTO spot_purchases (id, call_off_id, tenant_id, provider_name, cost_pence, recorded_at) VALUES (2, 43, 7, 'Westside', 900, '" +
                 at + "')",
             "INSERT INTO call_off_decisions (call_off_id, tenant_id, entity_type, entity_id, action, from_status, to_status, reason, actor, "
             "decided_at) VALUES (42, 7, 'call_off', 42, 'close_unfilled', 'open', 'unfilled', 'no bids arrived', 'user:1', '" + at + "')",
             "INSERT INTO call_off_decisions (call_off_id, tenant_id, entity_type, entity_id, action, from_status, to_status, reason, actor, "
             "decided_at) VALUES (43, 7, 'call_off', 43, 'close_unfilled', 'open', 'unfilled', NULL, 'user:1', '" + at + "')"})
        ASSERT_TRUE(run(statement).ok()) << statement;

    auto applied = db::migrate(database, db::embedded_migrations(), clock);
    ASSERT_TRUE(applied.ok()) << applied.err().message;
    ASSERT_FALSE(applied->empty());
    EXPECT_EQ(applied->front(), 11);
    EXPECT_EQ(count("SELECT count(*) FROM spot_purchases WHERE id = 1 AND reason = 'no bids arrived'"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM spot_purchases WHERE id = 2 AND reason IS NULL"), 1);
}
