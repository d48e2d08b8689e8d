// Reads SQLSTATE (PostgreSQL) or the result code (SQLite) to say what kind of failure happened.
#include "db/db_error.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <sqlite3.h>

#include <string>

namespace dps::db {

failure_class classify(const soci::soci_error& e)
{
    if (auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&e)) {
        const std::string state = pg->sqlstate();
        if (state == "23505") return failure_class::unique_violation;
        if (state == "23503") return failure_class::foreign_key_violation;
        if (state == "23514" || state == "23502") return failure_class::check_violation;
        if (state == "40001" || state == "40P01") return failure_class::retryable;
        // A statement kept by db::query whose table changed shape under it (a migration while dpsd
        // runs): db::query sets it aside on the throw, so running the unit again prepares it afresh.
        if (state == "0A000" && std::string{e.what()}.find("cached plan must not change result type") != std::string::npos)
            return failure_class::retryable;
        if (state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02" || state == "57P03" || state == "53300")
            return failure_class::connection_lost;
    }
    if (auto* lite = dynamic_cast<const soci::sqlite3_soci_error*>(&e)) {
        const int code = lite->result() & 0xff;
        if (lite->result() == SQLITE_CONSTRAINT_UNIQUE || lite->result() == SQLITE_CONSTRAINT_PRIMARYKEY)
            return failure_class::unique_violation;
        if (lite->result() == SQLITE_CONSTRAINT_FOREIGNKEY) return failure_class::foreign_key_violation;
        if (code == SQLITE_CONSTRAINT) { // SOCI reports the primary code: read the kind from the message
            const std::string what = e.what();
            if (what.find("UNIQUE constraint failed") != std::string::npos) return failure_class::unique_violation;
            if (what.find("FOREIGN KEY constraint failed") != std::string::npos) return failure_class::foreign_key_violation;
            return failure_class::check_violation;
        }
        if (code == SQLITE_BUSY || code == SQLITE_LOCKED) return failure_class::retryable;
        if (code == SQLITE_CANTOPEN || code == SQLITE_IOERR) return failure_class::connection_lost;
    }
    if (e.get_error_category() == soci::soci_error::connection_error) return failure_class::connection_lost;
    return failure_class::other;
}

error translate(const soci::soci_error& e)
{
    switch (classify(e)) {
    case failure_class::connection_lost:
        return make_error(error_kind::unavailable, "database_unavailable", "the database is unavailable; try again shortly", e.what());
    case failure_class::unique_violation:
        return make_error(error_kind::conflict, "already_exists", "an object with these details already exists", e.what());
    case failure_class::foreign_key_violation:
        return make_error(error_kind::conflict, "reference_conflict", "the change refers to an object that does not exist or is in use", e.what());
    case failure_class::check_violation:
        return make_error(error_kind::bad_request, "constraint_violation", "the change breaks a rule of the data", e.what());
    case failure_class::retryable:
        return make_error(error_kind::conflict, "concurrent_update", "another change got there first; try again", e.what());
    case failure_class::other:
        break;
    }
    return make_error(error_kind::internal, "internal_error", "an internal error occurred", e.what());
}

} // namespace dps::db
