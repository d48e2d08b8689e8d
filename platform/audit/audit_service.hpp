// Reading the audit chain back: verify it (dpsctl audit verify), or hand a tenant's chain to its
// auditor as JSON lines to check offline (scripts/audit-verify; docs/audit.md).
#pragma once

#include "audit/audit_chain.hpp"
#include "core/result.hpp"

#include <cstdint>
#include <string>

namespace dps::db { class database; }

namespace dps::audit {

class audit_service {
public:
    explicit audit_service(db::database& db) : db_(db) {}

    // Every chain, in the platform scope (operators, dpsctl).
    result<verify_report> verify_all();
    // One tenant's chain, in that tenant's scope.
    result<verify_report> verify_tenant(std::int64_t tenant_id);
    // The tenant's chain as JSON lines: a first line with the chain, its length and head hash,
    // then one line per row with every field its hash covers.
    result<std::string> chain_lines(std::int64_t tenant_id);

private:
    db::database& db_;
};

} // namespace dps::audit
