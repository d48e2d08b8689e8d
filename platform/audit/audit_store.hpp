// The append-only audit log: who did what, to which entity, in which tenant, under which request,
// each row chained to the one before it in its tenant's chain (audit_chain.hpp, docs/audit.md).
#pragma once

#include "audit/audit_chain.hpp"
#include "core/clock.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

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

// The schema version that added the chain (schema/V012): migrations before it write rows as
// they were written then, without one.
inline constexpr int kChainSinceVersion = 12;

// Writes inside the caller's transaction, so the record commits or rolls back with the change.
// Takes the chain's next position (waiting for a concurrent writer of the same chain, never forking).
void record(soci::session& sql, const entry& e);
// The row as schema versions before kChainSinceVersion had it: for migrations 1 to 11 only.
void record_before_chain(soci::session& sql, const entry& e);

// What verify and the chain download read. chain_key empty: every chain (the platform scope).
// Rows go to `each` one at a time, ordered by (chain_key, seq), so that no caller holds the log.
struct chain_contents {
    std::vector<head> heads;
    std::vector<std::int64_t> unchained_ids; // every chain only
    std::int64_t first_chained_id = 0;       // every chain only
};
chain_contents read_chains(soci::session& sql, const std::string& chain_key,
                           const std::function<void(const chained_row&)>& each);

} // namespace dps::audit
