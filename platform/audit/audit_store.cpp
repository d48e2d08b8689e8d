// Inserts audit rows; the table itself refuses UPDATE and DELETE (see schema/V001).
#include "audit/audit_store.hpp"

#include "core/digest.hpp"

#include <soci/soci.h>

namespace dps::audit {

namespace {
constexpr const char* kInsertAudit =
    "INSERT INTO audit_log (occurred_at, actor, tenant_id, provider_org_id, action, entity_type, entity_id, request_id, "
    "payload_digest) VALUES (:at, :actor, :tenant, :provider, :action, :etype, :eid, :rid, :digest)";
}

void record(soci::session& sql, const entry& e)
{
    const std::string at = format_timestamp(e.at);
    const std::string digest = sha256_hex(e.payload);
    soci::indicator tenant_ind = e.tenant_id ? soci::i_ok : soci::i_null;
    long long tenant = e.tenant_id.value_or(0);
    soci::indicator provider_ind = e.provider_org_id ? soci::i_ok : soci::i_null;
    long long provider = e.provider_org_id.value_or(0);
    sql << kInsertAudit, soci::use(at), soci::use(e.actor), soci::use(tenant, tenant_ind), soci::use(provider, provider_ind),
        soci::use(e.action),
        soci::use(e.entity_type), soci::use(e.entity_id), soci::use(e.request_id), soci::use(digest);
}

} // namespace dps::audit
