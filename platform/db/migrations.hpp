// Numbered schema migrations (schema/V001__name.sql …), compiled into the binary and applied in order.
#pragma once

#include "core/clock.hpp"
#include "core/result.hpp"

#include <string>
#include <vector>

namespace dps::db {

class database;

struct migration {
    int version = 0;
    std::string name;
    std::string sql; // portable SQL, rendered per backend by the dialect
    std::string checksum() const;
};

// The migrations this binary was built with, by version.
const std::vector<migration>& embedded_migrations();

struct schema_state {
    int current = 0;          // highest applied version (0: empty database)
    int latest = 0;           // highest version this binary knows
    std::vector<int> pending; // known but not applied
    bool up_to_date() const { return pending.empty(); }
};

// Reads what is applied. Fails (conflict) if the database holds a migration this binary does not know,
// or one whose text differs from the binary's: running on such a schema would corrupt data.
result<schema_state> inspect_schema(database& db, const std::vector<migration>& known);

// Applies every pending migration, each in its own transaction, recorded in schema_migrations and
// audited. Re-running is a no-op. Concurrent runs are serialised by the database.
result<std::vector<int>> migrate(database& db, const std::vector<migration>& known, const clock& now);

// PostgreSQL's two roles (issue 15, defect 10). The owner role owns the schema and applies
// migrations; dpsd runs as a runtime role that owns nothing, so it cannot disable the audit log's
// triggers, drop a policy or alter a table. What the runtime role may do is granted here, by the
// owner, after every migration: read and write the business tables, only append to the audit log
// and the decision records, only read schema_migrations.
result<std::string> current_role(database& db); // the role a session of db runs as
status grant_runtime_role(database& owner, const std::string& runtime_role);
// Whether the role db connects as owns any table of the schema (then the audit log is not safe from it).
result<bool> owns_schema_tables(database& db);
// Whether it is a superuser or BYPASSRLS role (then row-level security does not apply to it).
result<bool> bypasses_row_security(database& db);

} // namespace dps::db
