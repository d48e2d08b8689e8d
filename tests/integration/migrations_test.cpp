// The migration runner against the database under test (SQLite or PostgreSQL).
#include "app/application.hpp"
#include "core/clock.hpp"
#include "db/database.hpp"
#include "db/database_url.hpp"
#include "db/db_error.hpp"
#include "db/dialect.hpp"
#include "db/migrations.hpp"
#include "support/test_database.hpp"
#include "support/test_platform.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

using namespace dps;

namespace {

struct migrations_fixture : ::testing::Test {
    test::scratch_database scratch;
    db::database database{*db::parse_database_url(scratch.owner_url()), 2}; // migrations run as the schema owner
    system_clock clock;

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

TEST_F(migrations_fixture, AppliesAllInOrderAndRecordsThem)
{
    auto before = db::inspect_schema(database, db::embedded_migrations());
    ASSERT_TRUE(before.ok());
    EXPECT_EQ(before->current, 0);
    EXPECT_EQ(before->pending.size(), db::embedded_migrations().size());

    auto applied = db::migrate(database, db::embedded_migrations(), clock);
    ASSERT_TRUE(applied.ok()) << applied.err().message;
    EXPECT_EQ(applied->size(), db::embedded_migrations().size());
    EXPECT_EQ(count("SELECT count(*) FROM schema_migrations"), static_cast<long long>(db::embedded_migrations().size()));
    EXPECT_EQ(count("SELECT count(*) FROM tenants"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'schema.migrate'"),
              static_cast<long long>(db::embedded_migrations().size()));

    auto after = db::inspect_schema(database, db::embedded_migrations());
    ASSERT_TRUE(after.ok());
    EXPECT_TRUE(after->up_to_date());
    EXPECT_EQ(after->current, db::embedded_migrations().back().version);
}

TEST_F(migrations_fixture, RerunningIsANoOp)
{
    ASSERT_TRUE(db::migrate(database, db::embedded_migrations(), clock).ok());
    auto again = db::migrate(database, db::embedded_migrations(), clock);
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(again->empty());
    EXPECT_EQ(count("SELECT count(*) FROM schema_migrations"), static_cast<long long>(db::embedded_migrations().size()));
}

TEST_F(migrations_fixture, AppliesOnlyWhatIsPending)
{
    std::vector<db::migration> first{db::embedded_migrations().front()};
    ASSERT_TRUE(db::migrate(database, first, clock).ok());
    std::vector<db::migration> extended = db::embedded_migrations();
    extended.push_back({static_cast<int>(extended.size()) + 1, "extra", "CREATE TABLE extra_things (id {{pk}}, label TEXT NOT NULL);"});
    auto applied = db::migrate(database, extended, clock);
    ASSERT_TRUE(applied.ok()) << applied.err().message;
    std::vector<int> expected;
    for (std::size_t i = 1; i < extended.size(); ++i) expected.push_back(extended[i].version);
    EXPECT_EQ(*applied, expected) << "version 1 was applied already and must not run again";
    EXPECT_EQ(count("SELECT count(*) FROM extra_things"), 0);
}

TEST_F(migrations_fixture, UnknownMigrationInTheDatabaseIsRefused)
{
    ASSERT_TRUE(db::migrate(database, db::embedded_migrations(), clock).ok());
    ASSERT_TRUE(database.transact(db::scope::platform(), [](soci::session& sql) -> status {
        sql << "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (999, 'from_the_future', 'x', 'now')";
        return ok_status();
    }).ok());
    auto state = db::inspect_schema(database, db::embedded_migrations());
    ASSERT_FALSE(state.ok());
    EXPECT_EQ(state.err().code, "unknown_migration");
    EXPECT_NE(state.err().message.find("999"), std::string::npos);

    // The server refuses to start on such a database, with the same message.
    auto settings = test::test_config(scratch);
    auto app = app::application::create(settings);
    ASSERT_FALSE(app.ok());
    EXPECT_EQ(app.err().code, "unknown_migration");
}

TEST_F(migrations_fixture, EditedMigrationIsRefused)
{
    ASSERT_TRUE(db::migrate(database, db::embedded_migrations(), clock).ok());
    auto edited = db::embedded_migrations();
    edited.front().sql += "\n-- edited after release\n";
    auto again = db::migrate(database, edited, clock);
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.err().code, "migration_changed");
}

TEST_F(migrations_fixture, FailedMigrationChangesNothing)
{
    ASSERT_TRUE(db::migrate(database, db::embedded_migrations(), clock).ok());
    auto broken = db::embedded_migrations();
    broken.push_back({static_cast<int>(broken.size()) + 1, "broken",
                      "CREATE TABLE half_done (id {{pk}});\nINSERT INTO no_such_table VALUES (1);"});
    auto result = db::migrate(database, broken, clock);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(count("SELECT count(*) FROM schema_migrations"), static_cast<long long>(db::embedded_migrations().size()));
    const std::string name = "half_done";
    long long tables = -1;
    ASSERT_TRUE(database.with_session([&](soci::session& sql) -> status {
        sql << db::table_exists_query(database.kind()), soci::use(name), soci::into(tables);
        return ok_status();
    }).ok());
    EXPECT_EQ(tables, 0) << "the failed migration's first statement must have been rolled back";
}

TEST_F(migrations_fixture, AuditLogIsAppendOnly)
{
    ASSERT_TRUE(db::migrate(database, db::embedded_migrations(), clock).ok());
    auto update = database.transact(db::scope::platform(), [](soci::session& sql) -> status {
        sql << "UPDATE audit_log SET actor = 'someone else'";
        return ok_status();
    });
    EXPECT_FALSE(update.ok());
    auto remove = database.transact(db::scope::platform(), [](soci::session& sql) -> status {
        sql << "DELETE FROM audit_log";
        return ok_status();
    });
    EXPECT_FALSE(remove.ok());
    if (database.kind() == db::backend::postgresql) {
        auto truncate = database.transact(db::scope::platform(), [](soci::session& sql) -> status {
            sql << "TRUNCATE audit_log";
            return ok_status();
        });
        EXPECT_FALSE(truncate.ok()) << "TRUNCATE must be refused too";
    }
    EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE actor = 'system'"),
              static_cast<long long>(db::embedded_migrations().size()));
}

TEST_F(migrations_fixture, ConcurrentMigrationRunsApplyEachMigrationOnce)
{
    std::vector<std::thread> runners;
    std::mutex mutex;
    std::vector<std::string> failures;
    for (int i = 0; i < 4; ++i)
        runners.emplace_back([&] {
            db::database own(*db::parse_database_url(scratch.owner_url()), 1);
            auto applied = db::migrate(own, db::embedded_migrations(), clock);
            if (!applied) {
                std::lock_guard lock(mutex);
                failures.push_back(applied.err().message + " " + applied.err().detail);
            }
        });
    for (auto& t : runners) t.join();
    EXPECT_TRUE(failures.empty()) << failures.front();
    EXPECT_EQ(count("SELECT count(*) FROM schema_migrations"), static_cast<long long>(db::embedded_migrations().size()));
    EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'schema.migrate'"),
              static_cast<long long>(db::embedded_migrations().size()));
}

// Error classification on PostgreSQL's own errors, by SQLSTATE (the SQLite side: tests/unit/db_error_test.cpp).
TEST(PostgresqlOnly, DatabaseErrorsAreClassifiedBySqlstate)
{
    test::scratch_database scratch;
    auto url = db::parse_database_url(scratch.owner_url());
    ASSERT_TRUE(url.ok());
    soci::session sql(*soci::factory_postgresql(), url->connect_string);
    sql << "CREATE TABLE parent (id BIGINT PRIMARY KEY, code TEXT NOT NULL UNIQUE)";
    sql << "CREATE TABLE child (id BIGINT PRIMARY KEY, parent_id BIGINT NOT NULL REFERENCES parent (id), "
           "status TEXT NOT NULL CHECK (status IN ('open', 'closed')))";
    sql << "INSERT INTO parent (id, code) VALUES (1, 'a')";
    auto failure_of = [&](const std::string& statement) {
        try {
            sql << statement;
        } catch (const soci::soci_error& e) {
            return db::classify(e);
        }
        ADD_FAILURE() << "did not fail: " << statement;
        return db::failure_class::other;
    };
    EXPECT_EQ(failure_of("INSERT INTO parent (id, code) VALUES (2, 'a')"), db::failure_class::unique_violation);
    EXPECT_EQ(failure_of("INSERT INTO child (id, parent_id, status) VALUES (1, 99, 'open')"), db::failure_class::foreign_key_violation);
    EXPECT_EQ(failure_of("INSERT INTO child (id, parent_id, status) VALUES (1, 1, 'lost')"), db::failure_class::check_violation);
    EXPECT_EQ(failure_of("INSERT INTO parent (id) VALUES (3)"), db::failure_class::check_violation) << "NOT NULL";
    EXPECT_EQ(failure_of("SELECT * FROM no_such_table"), db::failure_class::other);
    // A server that ends the session (an operator's pg_terminate_backend, a failover) is a lost connection.
    int pid = 0;
    sql << "SELECT pg_backend_pid()", soci::into(pid);
    test::scratch_database::admin_exec("SELECT pg_terminate_backend(" + std::to_string(pid) + ")");
    EXPECT_EQ(failure_of("SELECT 1"), db::failure_class::connection_lost);
}
