// Statements kept per connection (db/query.hpp) and the one-statement token lookup (schema/V013),
// issue 11. On PostgreSQL a text is prepared once per connection and run again; a statement that
// failed is set aside and deallocated after its transaction; the lookup leaves the caller's scope as
// it found it; and nothing kept weakens security: a token revoked through one server is refused by
// another on its very next request. On SQLite the same calls run one-time and answer the same.
#include "app/application.hpp"
#include "db/database.hpp"
#include "db/database_url.hpp"
#include "db/query.hpp"
#include "db/row_reader.hpp"
#include "support/https_client.hpp"
#include "support/identity_fixture.hpp"
#include "support/test_platform.hpp"

#include <gtest/gtest.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

using namespace dps;

namespace {

// A distinctive text, so pg_prepared_statements can be searched for it.
constexpr const char* kTenantBySlug = "SELECT /* prepared-test */ id, name FROM tenants WHERE slug = :slug";
constexpr const char* kInsertTenant =
    "INSERT INTO tenants (slug, name, kind, created_at) VALUES (:slug, /* prepared-test-insert */ :name, 'council', :at) RETURNING id";

std::int64_t kept_on_this_connection(soci::session& sql, const std::string& marker)
{
    long long n = -1;
    const std::string pattern = "%" + marker + "%";
    sql << "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE :m", soci::use(pattern), soci::into(n);
    return n;
}

std::optional<std::string> name_of(db::database& db, const std::string& slug)
{
    return db.read_value<std::optional<std::string>>(db::scope::platform(), [&](soci::session& sql) -> result<std::optional<std::string>> {
        return db::query(sql, kTenantBySlug).bind(slug).one([](const soci::row& r) { return db::text_of(r, "name"); });
    }).value();
}

} // namespace

TEST(prepared_statements, AnswersTheSameAsAOneTimeQueryEveryTimeOnBothDatabases)
{
    test::test_platform platform;
    auto& db = platform.app().database();
    for (const auto* slug : {"kept-one", "kept-two", "kept-three"}) {
        auto made = db.transact_value<std::int64_t>(db::scope::platform(), [&](soci::session& sql) -> result<std::int64_t> {
            return db::query(sql, kInsertTenant).bind(slug).bind(std::string{"Council "} + slug).bind("2026-12-03T10:00:00.000Z").one_int().value();
        });
        ASSERT_TRUE(made.ok());
        EXPECT_GT(*made, 0);
    }
    // The same text, new values each time: each answer is its own, never the previous execution's.
    EXPECT_EQ(name_of(db, "kept-one"), "Council kept-one");
    EXPECT_EQ(name_of(db, "kept-three"), "Council kept-three");
    EXPECT_EQ(name_of(db, "kept-two"), "Council kept-two");
    EXPECT_EQ(name_of(db, "no-such-council"), std::nullopt);
    // Rows, a NULL bound as NULL, and a count.
    auto listed = db.read_value<std::vector<std::string>>(db::scope::platform(), [&](soci::session& sql) -> result<std::vector<std::string>> {
        std::vector<std::string> out;
        db::query(sql, "SELECT slug FROM tenants WHERE slug LIKE :p AND (CAST(:absent AS TEXT) IS NULL OR slug = :absent2) ORDER BY slug")
            .bind("kept-%").bind(std::optional<std::string>{}).bind(std::optional<std::string>{})
            .each([&](const soci::row& r) { out.push_back(db::text_at(r, 0)); });
        return out;
    });
    ASSERT_TRUE(listed.ok());
    EXPECT_EQ(*listed, (std::vector<std::string>{"kept-one", "kept-three", "kept-two"}));
}

TEST(PostgresqlOnly, AStatementIsPreparedOncePerConnectionAndRunAgain)
{
    test::test_platform platform([](config& c) { c.db_pool = 1; c.workers = 1; }); // one connection: every unit below shares it
    auto& db = platform.app().database();
    for (int i = 0; i < 5; ++i) EXPECT_EQ(name_of(db, "no-such-council"), std::nullopt);
    auto kept = db.read_value<std::int64_t>(db::scope::platform(), [&](soci::session& sql) -> result<std::int64_t> {
        return kept_on_this_connection(sql, "prepared-test */ id");
    });
    ASSERT_TRUE(kept.ok());
    EXPECT_EQ(*kept, 1) << "five executions, one prepared statement";
}

TEST(PostgresqlOnly, AStatementThatFailedIsDeallocatedAfterItsTransactionAndTheConnectionGoesOn)
{
    test::test_platform platform([](config& c) { c.db_pool = 1; c.workers = 1; });
    auto& db = platform.app().database();
    auto insert = [&](const std::string& slug) {
        return db.transact_value<std::int64_t>(db::scope::platform(), [&](soci::session& sql) -> result<std::int64_t> {
            return db::query(sql, kInsertTenant).bind(slug).bind("Twice").bind("2026-12-03T10:00:00.000Z").one_int().value();
        });
    };
    ASSERT_TRUE(insert("only-once").ok());
    auto again = insert("only-once"); // the unique slug refuses it: the statement throws inside the transaction
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.err().kind, error_kind::conflict) << again.err().code;
    // The connection is whole, the failed statement is gone, and the text is prepared afresh.
    auto next = insert("another-one");
    ASSERT_TRUE(next.ok()) << next.err().detail;
    auto kept = db.read_value<std::int64_t>(db::scope::platform(), [&](soci::session& sql) -> result<std::int64_t> {
        return kept_on_this_connection(sql, "prepared-test-insert");
    });
    ASSERT_TRUE(kept.ok());
    EXPECT_EQ(*kept, 1);
}

// A migration while dpsd runs: a kept statement whose table gained a column is refused once by
// PostgreSQL ("cached plan must not change result type"); the unit runs again and answers.
TEST(PostgresqlOnly, AKeptStatementWhoseTableChangedShapeIsPreparedAfreshAndTheCallerSeesNothing)
{
    test::test_platform platform([](config& c) { c.db_pool = 1; c.workers = 1; });
    auto& db = platform.app().database();
    auto columns = [&] {
        return db.read_value<std::size_t>(db::scope::platform(), [&](soci::session& sql) -> result<std::size_t> {
            return db::query(sql, "SELECT * FROM tenants ORDER BY id LIMIT 1").one([](const soci::row& r) { return r.size(); }).value_or(0);
        });
    };
    ASSERT_TRUE(db.transact(db::scope::platform(), [&](soci::session& sql) -> status {
        db::query(sql, kInsertTenant).bind("shape-probe").bind("Shape Probe").bind("2026-12-03T10:00:00.000Z").one_int();
        return ok_status();
    }).ok());
    auto before = columns();
    ASSERT_TRUE(before.ok()) << before.err().detail;
    ASSERT_GT(*before, 0u);
    auto owner_url = db::parse_database_url(platform.database().owner_url());
    ASSERT_TRUE(owner_url.ok());
    soci::session owner(soci::postgresql, owner_url->connect_string);
    owner << "ALTER TABLE tenants ADD COLUMN probe_added_by_test TEXT";
    auto after = columns();
    ASSERT_TRUE(after.ok()) << after.err().code << ": " << after.err().detail;
    EXPECT_EQ(*after, *before + 1);
}

TEST(PostgresqlOnly, TheTokenLookupLeavesTheCallersScopeAsItFoundIt)
{
    test::test_platform platform;
    auto& db = platform.app().database();
    auto scope_after = db.read_value<std::string>(db::scope::tenant(42), [&](soci::session& sql) -> result<std::string> {
        sql << "SELECT count(*) FROM dps_principal_for_token('" + std::string(64, 'a') + "', '2026-12-03T10:00:00.000Z')";
        std::string scope, tenant;
        sql << "SELECT current_setting('dps.scope'), current_setting('dps.tenant_id')", soci::into(scope), soci::into(tenant);
        return scope + ":" + tenant;
    });
    ASSERT_TRUE(scope_after.ok());
    EXPECT_EQ(*scope_after, "tenant:42");
    // Outside a transaction the platform scope it set ends with its own statement.
    auto unscoped = db.read_statement_value<std::string>([&](soci::session& sql) -> result<std::string> {
        sql << "SELECT count(*) FROM dps_principal_for_token('" + std::string(64, 'a') + "', '2026-12-03T10:00:00.000Z')";
        std::string scope;
        soci::indicator ind = soci::i_null;
        sql << "SELECT current_setting('dps.scope', true)", soci::into(scope, ind);
        return ind == soci::i_null ? std::string{"(unset)"} : "'" + scope + "'";
    });
    ASSERT_TRUE(unscoped.ok());
    EXPECT_NE(*unscoped, "'platform'");
}

// Two servers on one database, each keeping its statements: a revocation through one is seen by
// the other on the very next request (nothing about a token is cached, only the statement's plan).
TEST(prepared_statements, ATokenRevokedThroughOneServerIsRefusedByAnotherOnItsNextRequest)
{
    test::identity_fixture fx;
    auto second = app::application::create(test::test_config(fx.platform.database()));
    ASSERT_TRUE(second.ok()) << second.err().message;
    (*second)->start();
    const std::string token = fx.fresh_token("P:bidder");
    const test::header_list auth{{"Authorization", "Bearer " + token}};
    test::https_client one(fx.platform.port()), two((*second)->port());
    for (int i = 0; i < 6; ++i) ASSERT_EQ(two.get("/v1/me", auth).status, 200); // warm: the lookup is prepared there
    EXPECT_EQ(one.send("DELETE", "/v1/sessions/current", {}, auth).status, 204);
    EXPECT_EQ(two.get("/v1/me", auth).status, 401);
    EXPECT_EQ(one.get("/v1/me", auth).status, 401);
    (*second)->shutdown();
    (*second)->wait();
}
