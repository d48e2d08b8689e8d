// Error classification on real database errors: each failure SQLite raises maps to its class and
// to the client's answer (409 already_exists, 409 reference_conflict, 400 constraint_violation …).
// The PostgreSQL side (SQLSTATE): PostgresqlOnly.DatabaseErrorsAreClassifiedBySqlstate in tests/integration/migrations_test.cpp.
#include "db/db_error.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <functional>

using namespace dps;

namespace {

// Runs a statement that must fail and returns the error SOCI raised.
db::failure_class failure_of(soci::session& sql, const std::string& statement, error* translated = nullptr)
{
    try {
        sql << statement;
    } catch (const soci::soci_error& e) {
        if (translated) *translated = db::translate(e);
        return db::classify(e);
    }
    ADD_FAILURE() << "did not fail: " << statement;
    return db::failure_class::other;
}

struct sqlite_errors : ::testing::Test {
    soci::session sql{*soci::factory_sqlite3(), ":memory:"};
    sqlite_errors()
    {
        sql << "PRAGMA foreign_keys = ON";
        sql << "CREATE TABLE parent (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE)";
        sql << "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent (id), "
               "status TEXT NOT NULL CHECK (status IN ('open', 'closed')))";
        sql << "INSERT INTO parent (id, code) VALUES (1, 'a')";
    }
};

} // namespace

TEST_F(sqlite_errors, EachConstraintIsItsOwnClassAndAnswer)
{
    error e;
    EXPECT_EQ(failure_of(sql, "INSERT INTO parent (id, code) VALUES (2, 'a')", &e), db::failure_class::unique_violation);
    EXPECT_EQ(e.kind, error_kind::conflict);
    EXPECT_EQ(e.code, "already_exists");
    EXPECT_EQ(failure_of(sql, "INSERT INTO parent (id, code) VALUES (1, 'b')"), db::failure_class::unique_violation) << "primary key";
    EXPECT_EQ(failure_of(sql, "INSERT INTO child (parent_id, status) VALUES (99, 'open')", &e), db::failure_class::foreign_key_violation);
    EXPECT_EQ(e.code, "reference_conflict");
    EXPECT_EQ(failure_of(sql, "INSERT INTO child (parent_id, status) VALUES (1, 'lost')", &e), db::failure_class::check_violation);
    EXPECT_EQ(e.kind, error_kind::bad_request);
    EXPECT_EQ(e.code, "constraint_violation");
    EXPECT_EQ(failure_of(sql, "INSERT INTO parent (id) VALUES (3)"), db::failure_class::check_violation) << "NOT NULL";
}

TEST_F(sqlite_errors, AnythingElseIsInternalAndKeepsItsDetailOutOfTheMessage)
{
    error e;
    EXPECT_EQ(failure_of(sql, "SELECT * FROM no_such_table", &e), db::failure_class::other);
    EXPECT_EQ(e.kind, error_kind::internal);
    EXPECT_EQ(e.message, "an internal error occurred");
    EXPECT_NE(e.detail.find("no_such_table"), std::string::npos) << "the detail is for the log";
}

TEST(DatabaseErrors, ABusyDatabaseIsRetryable)
{
    // Two connections to one file: the second cannot take the write lock the first holds.
    const std::string file = ::testing::TempDir() + "db_error_busy.db";
    std::remove(file.c_str());
    soci::session first(*soci::factory_sqlite3(), "db=" + file + " timeout=0");
    soci::session second(*soci::factory_sqlite3(), "db=" + file + " timeout=0");
    first << "CREATE TABLE t (id INTEGER)";
    first << "BEGIN IMMEDIATE";
    EXPECT_EQ(failure_of(second, "BEGIN IMMEDIATE"), db::failure_class::retryable);
    first << "ROLLBACK";
    std::remove(file.c_str());
}
