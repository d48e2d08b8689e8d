// Whose rows a unit of work may touch. On PostgreSQL it becomes per-transaction settings that
// row-level security reads (schema/V001); on SQLite the application's own checks are the only wall.
#pragma once

#include <cstdint>

namespace dps::db {

struct scope {
    enum class kind { platform, tenant, provider };
    kind level = kind::platform;
    std::int64_t id = 0; // tenant or provider organisation id

    static scope platform() { return {kind::platform, 0}; } // operators, start-up, authentication
    static scope tenant(std::int64_t tenant_id) { return {kind::tenant, tenant_id}; }
    static scope provider(std::int64_t provider_org_id) { return {kind::provider, provider_org_id}; }
};

} // namespace dps::db
