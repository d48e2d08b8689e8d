// HTTP endpoint for a tenant's audit chain: GET /v1/tenants/{tenant_id}/audit-chain (JSON lines).
#pragma once

#include "http/message.hpp"

namespace dps::auth { class access_guard; struct principal; }

namespace dps::audit {

class audit_service;

class audit_handlers {
public:
    explicit audit_handlers(audit_service& audit) : audit_(audit) {}

    using request = http::request;
    using response = http::response;
    using principal = auth::principal;

    response chain(request& req, const principal& p);

private:
    audit_service& audit_;
};

void add_audit_routes(auth::access_guard& guard, audit_service& audit);

} // namespace dps::audit
