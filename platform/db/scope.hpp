// Whose rows a unit of work may touch. On PostgreSQL it becomes per-transaction settings that
// row-level security reads (schema/V001); on SQLite the application's own checks are the only wall.
#pragma once

#include <cstdint>

namespace dps::db {

// What a transaction may do: read-only ones start without the write lock (SQLite) or READ ONLY (PostgreSQL).
enum class access { read_write, read_only };

struct scope {
    // operator_: the platform's operators. Row-level security shows them the directory (tenants,
    // organisations, users, roles, tokens) and no council's business data (schema/V009).
    enum class kind { platform, operator_, tenant, provider };
    kind level = kind::platform;
    std::int64_t id = 0; // tenant or provider organisation id

    static scope platform() { return {kind::platform, 0}; } // start-up, authentication, the clock's sweeps
    static scope operator_desk() { return {kind::operator_, 0}; }
    static scope tenant(std::int64_t tenant_id) { return {kind::tenant, tenant_id}; }
    static scope provider(std::int64_t provider_org_id) { return {kind::provider, provider_org_id}; }
};

} // namespace dps::db
