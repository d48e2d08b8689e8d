// The migration runner.
#include "db/migrations.hpp"

#include "audit/audit_store.hpp"
#include "core/digest.hpp"
#include "db/database.hpp"
#include "db/dialect.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <map>

namespace dps::db {
namespace {

constexpr const char* kCreateMigrationsTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)";
constexpr const char* kSelectApplied = "SELECT version, name, checksum FROM schema_migrations ORDER BY version";
constexpr const char* kInsertApplied =
    "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (:v, :n, :c, :at)";

struct applied_row {
    std::string name;
    std::string checksum;
};

std::map<int, applied_row> read_applied(soci::session& sql)
{
    std::map<int, applied_row> applied;
    soci::rowset<soci::row> rows = (sql.prepare << kSelectApplied);
    for (const auto& r : rows) {
        // SQLite reports INTEGER, PostgreSQL int4: read through long long for both.
        const auto version = r.get_properties(0).get_data_type() == soci::dt_integer ? r.get<int>(0)
                                                                                     : static_cast<int>(r.get<long long>(0));
        applied[version] = applied_row{r.get<std::string>(1), r.get<std::string>(2)};
    }
    return applied;
}

result<schema_state> compare(const std::map<int, applied_row>& applied, const std::vector<migration>& known)
{
    schema_state state;
    state.latest = known.empty() ? 0 : known.back().version;
    for (const auto& [version, row] : applied) {
        auto it = std::find_if(known.begin(), known.end(), [v = version](const migration& m) { return m.version == v; });
        if (it == known.end())
            return make_error(error_kind::conflict, "unknown_migration",
                              "the database holds migration " + std::to_string(version) + " (" + row.name +
                                  ") which this binary does not know; run a newer dpsd");
        if (it->checksum() != row.checksum)
            return make_error(error_kind::conflict, "migration_changed",
                              "migration " + std::to_string(version) + " (" + row.name +
                                  ") differs from the one applied to this database; migrations must never be edited");
        state.current = std::max(state.current, version);
    }
    for (const auto& m : known)
        if (!applied.count(m.version)) state.pending.push_back(m.version);
    return state;
}

} // namespace

std::string migration::checksum() const { return sha256_hex(sql); }

result<schema_state> inspect_schema(database& db, const std::vector<migration>& known)
{
    std::map<int, applied_row> applied;
    status s = db.with_session([&](soci::session& sql) -> status {
        // Read-only: readiness probes call this, so it must not create anything.
        long long tables = 0;
        const std::string name = "schema_migrations";
        sql << table_exists_query(db.kind()), soci::use(name), soci::into(tables);
        if (tables > 0) applied = read_applied(sql);
        return ok_status();
    });
    if (!s) return s.err();
    return compare(applied, known);
}

result<std::vector<int>> migrate(database& db, const std::vector<migration>& known, const clock& now)
{
    // Nothing to do needs no privilege: a runtime role that owns nothing may "migrate" an up-to-date schema.
    auto before = inspect_schema(db, known);
    if (!before) return before.err();
    if (before->up_to_date()) return std::vector<int>{};
    std::vector<int> applied_now;
    for (const auto& m : known) {
        status s = db.transact(scope::platform(), [&](soci::session& sql) -> status {
            for (const auto& statement : migration_lock(db.kind())) sql << statement;
            sql << kCreateMigrationsTable;
            auto state = compare(read_applied(sql), known);
            if (!state) return state.err();
            if (std::find(state->pending.begin(), state->pending.end(), m.version) == state->pending.end())
                return ok_status(); // applied already, perhaps by a concurrent run
            for (const auto& statement : split_statements(render_migration(db.kind(), m.sql))) sql << statement;
            const std::string at = format_timestamp(now.now());
            const std::string checksum = m.checksum();
            sql << kInsertApplied, soci::use(m.version), soci::use(m.name), soci::use(checksum), soci::use(at);
            const audit::entry applied{"system", std::nullopt, std::nullopt, "schema.migrate", "schema_migration",
                                       std::to_string(m.version), "-",
                                       R"({"version":)" + std::to_string(m.version) + R"(,"checksum":")" + checksum + "\"}",
                                       now.now()};
            // Until the migration that adds the chain has run, the audit table has no chain columns.
            if (m.version < audit::kChainSinceVersion) audit::record_before_chain(sql, applied);
            else audit::record(sql, applied);
            applied_now.push_back(m.version);
            return ok_status();
        });
        if (!s) {
            auto e = s.err();
            if (e.code == "internal_error")
                e = make_error(error_kind::internal, "migration_failed",
                               "migration " + std::to_string(m.version) + " (" + m.name + ") failed: " + e.detail, e.detail);
            return e;
        }
    }
    return applied_now;
}

result<std::string> current_role(database& db)
{
    std::string role;
    status s = db.with_session([&](soci::session& sql) -> status {
        sql << "SELECT current_user", soci::into(role);
        return ok_status();
    });
    if (!s) return s.err();
    return role;
}

status grant_runtime_role(database& owner, const std::string& runtime_role)
{
    if (owner.kind() != backend::postgresql) return ok_status();
    return owner.transact(scope::platform(), [&](soci::session& sql) -> status {
        std::string role;
        sql << "SELECT quote_ident(:r)", soci::use(runtime_role), soci::into(role); // a role name is not SQL
        for (const auto& statement : migration_lock(owner.kind())) sql << statement;
        sql << "GRANT USAGE ON SCHEMA public TO " + role;
        sql << "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + role;
        sql << "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO " + role;
        // Records of what happened are appended, never changed.
        sql << "REVOKE UPDATE, DELETE, TRUNCATE ON audit_log, dps_decisions, call_off_decisions FROM " + role;
        sql << "REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON schema_migrations FROM " + role;
        return ok_status();
    });
}

result<bool> bypasses_row_security(database& db)
{
    if (db.kind() != backend::postgresql) return false;
    int flag = 0;
    status s = db.with_session([&](soci::session& sql) -> status {
        sql << "SELECT CASE WHEN rolsuper OR rolbypassrls THEN 1 ELSE 0 END FROM pg_roles WHERE rolname = current_user", soci::into(flag);
        return ok_status();
    });
    if (!s) return s.err();
    return flag == 1;
}

result<bool> owns_schema_tables(database& db)
{
    if (db.kind() != backend::postgresql) return false;
    long long owned = 0;
    status s = db.with_session([&](soci::session& sql) -> status {
        sql << "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tableowner = current_user", soci::into(owned);
        return ok_status();
    });
    if (!s) return s.err();
    return owned > 0;
}

} // namespace dps::db
