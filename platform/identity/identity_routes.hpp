// HTTP endpoints for tenants, provider organisations, users, roles, tokens, sessions and /v1/me.
#pragma once

namespace dps::auth { class access_guard; }

namespace dps::identity {

class identity_service;

void add_identity_routes(auth::access_guard& guard, identity_service& identity);

} // namespace dps::identity
