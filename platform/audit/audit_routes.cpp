// Handlers for the audit chain, and their table.
#include "audit/audit_routes.hpp"

#include "audit/audit_service.hpp"
#include "auth/access_guard.hpp"
#include "auth/route_table.hpp"
#include "http/json_io.hpp"
#include "http/replies.hpp"

namespace dps::audit {

using http::request, http::response, http::with_id;

response audit_handlers::chain(request& req, const principal&)
{
    return with_id(req, "tenant_id", [&](std::int64_t id) {
        auto lines = audit_.chain_lines(id);
        if (!lines) return http::error_response(lines.err(), req.request_id);
        return response{200, "application/x-ndjson", std::move(*lines),
                        {{"Content-Disposition", "attachment; filename=\"audit-chain-tenant-" + std::to_string(id) + ".jsonl\""}},
                        false};
    });
}

namespace {

std::vector<auth::route_row<audit_handlers>> routes()
{
    using h = audit_handlers;
    using auth::role;
    return {
        {"GET", "/v1/tenants/{tenant_id}/audit-chain", {role::auditor, role::tenant_admin}, "tenant_id", &h::chain},
    };
}

} // namespace

void add_audit_routes(auth::access_guard& guard, audit_service& audit)
{
    auth::add_route_table(guard, audit_handlers{audit}, routes());
}

} // namespace dps::audit
