// The append-only audit log: who did what, to which entity, in which tenant, under which request.
#pragma once

#include "core/clock.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace soci { class session; }

namespace dps::audit {

struct entry {
    std::string actor;                   // "user:42", "operator:7", "system"
    std::optional<std::int64_t> tenant_id;
    std::optional<std::int64_t> provider_org_id;
    std::string action;                  // "schema.migrate", "tenant.create", …
    std::string entity_type;
    std::string entity_id;
    std::string request_id;              // "-" outside a request (CLI, start-up)
    std::string payload;                 // canonical JSON of the change; only its digest is stored
    timestamp at;
};

// Writes inside the caller's transaction, so the record commits or rolls back with the change.
void record(soci::session& sql, const entry& e);

} // namespace dps::audit
