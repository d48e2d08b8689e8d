// HTTP endpoints for tenants, provider organisations, users, roles, tokens, sessions and /v1/me:
// one named handler per route (each parses the request, calls one service and maps its result),
// and the table that registers them. A test can call a handler directly.
#pragma once

#include "http/message.hpp"

namespace dps::auth { class access_guard; struct principal; }

namespace dps::identity {

class identity_service;

class identity_handlers {
public:
    explicit identity_handlers(identity_service& identity) : identity_(identity) {}

    using request = http::request;
    using response = http::response;
    using principal = auth::principal;

    response me(request& req, const principal& p);
    response sign_in(request& req); // public: no token yet
    response sign_out(request& req, const principal& p);
    response create_tenant(request& req, const principal& p);
    response list_tenants(request& req, const principal& p);
    response get_tenant(request& req, const principal& p);
    response create_council_user(request& req, const principal& p);
    response list_tenant_users(request& req, const principal& p);
    response create_provider(request& req, const principal& p);
    response get_provider(request& req, const principal& p);
    response create_provider_user(request& req, const principal& p);
    response list_provider_users(request& req, const principal& p);
    response get_user(request& req, const principal& p);
    response grant_role(request& req, const principal& p);
    response revoke_role(request& req, const principal& p);
    response issue_token(request& req, const principal& p);
    response revoke_token(request& req, const principal& p);
    response list_tokens(request& req, const principal& p);

private:
    identity_service& identity_;
};

// Registers every route of the table, and the owner resolvers for user_id and token_id.
void add_identity_routes(auth::access_guard& guard, identity_service& identity);

} // namespace dps::identity
