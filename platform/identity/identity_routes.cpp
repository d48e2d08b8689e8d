// Handlers: parse and validate input, call the identity service once, map the result.
#include "identity/identity_routes.hpp"

#include "auth/access_guard.hpp"
#include "http/json_input.hpp"
#include "http/json_io.hpp"
#include "http/replies.hpp"
#include "identity/acting_for.hpp"
#include "identity/identity_service.hpp"

#include <boost/json.hpp>

namespace dps::identity {
namespace {

using auth::access_rule;
using auth::role;
using http::request;
using http::no_content;
using http::reply;
using http::reply_list;
using http::response;

const std::vector<role> kCouncilRoles{role::tenant_admin, role::commissioner, role::approver,
                                      role::contract_manager, role::finance, role::auditor};

result<std::vector<auth::role_grant>> read_roles(const boost::json::object& o, auth::principal_kind holder)
{
    std::vector<auth::role_grant> out;
    auto it = o.find("roles");
    if (it == o.end()) return out;
    const auto* list = it->value().if_array();
    if (!list) return http::invalid_field("roles", "must be a list of {\"role\": …, \"authority\": …}");
    for (const auto& item : *list) {
        auto fields = http::object_with_fields(item, {"role", "authority"});
        if (!fields) return fields.err();
        auto name = http::required_string(**fields, "role", 1, 64);
        if (!name) return name.err();
        auto authority = http::optional_string(**fields, "authority", 64);
        if (!authority) return authority.err();
        auto grant = validate_grant(holder, *name, authority->value_or(""));
        if (!grant) return grant.err();
        out.push_back(*grant);
    }
    return out;
}

result<new_user> read_new_user(const boost::json::value& body, auth::principal_kind holder)
{
    auto o = http::object_with_fields(body, {"email", "display_name", "password", "roles"});
    if (!o) return o.err();
    auto email = http::required_string(**o, "email", 3, 254);
    if (!email) return email.err();
    auto name = http::required_string(**o, "display_name", 1, 200);
    if (!name) return name.err();
    auto password = http::optional_string(**o, "password", 1024);
    if (!password) return password.err();
    auto roles = read_roles(**o, holder);
    if (!roles) return roles.err();
    return new_user{*email, *name, *password, *roles};
}

} // namespace

void add_identity_routes(auth::access_guard& guard, identity_service& identity)
{
    guard.add_resolver("user_id", [&identity](std::int64_t id, const db::scope& as) -> result<std::optional<auth::owner>> {
        auto u = identity.get_user_in(as, id);
        if (!u) {
            if (u.err().kind == error_kind::not_found) return std::optional<auth::owner>{};
            return u.err();
        }
        return std::optional<auth::owner>{auth::owner{u->tenant_id, u->provider_org_id, u->id}};
    });

    guard.add_resolver("token_id", [&identity](std::int64_t id, const db::scope& as) -> result<std::optional<auth::owner>> {
        auto t = identity.find_token_owner(id, as);
        if (!t) return t.err();
        if (!*t) return std::optional<auth::owner>{};
        return std::optional<auth::owner>{auth::owner{(*t)->tenant_id, (*t)->provider_org_id, (*t)->user_id}};
    });

    // --- the caller ---
    guard.add("GET", "/v1/me", access_rule::authenticated(), [&identity](request& req, const auth::principal& p) {
        auto u = identity.get_user(acting{}, p.user_id);
        if (!u) return http::error_response(u.err(), req.request_id);
        boost::json::object out{{"user", to_json(*u)}, {"tenant", nullptr}, {"provider_organisation", nullptr}};
        if (p.tenant_id)
            if (auto t = identity.get_tenant(by(req, p), *p.tenant_id)) out["tenant"] = to_json(*t);
        if (p.provider_org_id)
            if (auto o = identity.get_provider(by(req, p), *p.provider_org_id)) out["provider_organisation"] = to_json(*o);
        return http::json_response(200, out);
    });

    // --- sessions (password login) ---
    guard.add_public("POST", "/v1/sessions", [&identity](request& req) {
        auto o = http::object_with_fields(req.json, {"email", "password"});
        if (!o) return http::error_response(o.err(), req.request_id);
        auto email = http::required_string(**o, "email", 1, 254);
        auto password = http::required_string(**o, "password", 1, 1024);
        if (!email) return http::error_response(email.err(), req.request_id);
        if (!password) return http::error_response(password.err(), req.request_id);
        // The peer address, never a client-chosen header: behind a proxy every sign-in shares its address.
        auto session = identity.login(req.audited_request_id(), req.remote.empty() ? "unknown" : req.remote, *email, *password);
        if (!session) return http::error_response(session.err(), req.request_id);
        auto body = to_json(session->info).as_object();
        body["token"] = session->secret;
        return http::json_response(201, body);
    }, {.body = http::body_kind::json});
    guard.add("DELETE", "/v1/sessions/current", access_rule::authenticated(), [&identity](request& req, const auth::principal& p) {
        return no_content(req, identity.revoke_token(by(req, p), p.token_id));
    });

    // --- tenants ---
    guard.add("POST", "/v1/tenants", {.operators = true}, [&identity](request& req, const auth::principal& p) {
        auto o = http::object_with_fields(req.json, {"slug", "name", "kind"});
        if (!o) return http::error_response(o.err(), req.request_id);
        auto slug = http::required_string(**o, "slug", 2, 64);
        if (!slug) return http::error_response(slug.err(), req.request_id);
        auto name = http::required_string(**o, "name", 1, 200);
        if (!name) return http::error_response(name.err(), req.request_id);
        auto kind = http::optional_string(**o, "kind", 32);
        if (!kind) return http::error_response(kind.err(), req.request_id);
        return reply(req, identity.create_tenant(by(req, p), *slug, *name, kind->value_or("council")), 201);
    }, {.body = http::body_kind::json});
    guard.add("GET", "/v1/tenants", {.operators = true, .roles = kCouncilRoles}, [&identity](request& req, const auth::principal& p) {
        return reply_list(req, identity.list_tenants(by(req, p)));
    });
    guard.add("GET", "/v1/tenants/{tenant_id}", {.operators = true, .any_member = true, .scope_param = "tenant_id"},
              [&identity](request& req, const auth::principal& p) {
                  auto id = http::id_param(req.param("tenant_id"));
                  if (!id) return http::error_response(id.err(), req.request_id);
                  return reply(req, identity.get_tenant(by(req, p), *id));
              });
    guard.add("POST", "/v1/tenants/{tenant_id}/users", {.operators = true, .roles = {role::tenant_admin}, .scope_param = "tenant_id"},
              [&identity](request& req, const auth::principal& p) {
                  auto id = http::id_param(req.param("tenant_id"));
                  if (!id) return http::error_response(id.err(), req.request_id);
                  auto input = read_new_user(req.json, auth::principal_kind::council);
                  if (!input) return http::error_response(input.err(), req.request_id);
                  return reply(req, identity.create_council_user(by(req, p), *id, *input), 201);
              }, {.body = http::body_kind::json});
    guard.add("GET", "/v1/tenants/{tenant_id}/users",
              {.operators = true, .roles = {role::tenant_admin, role::auditor}, .scope_param = "tenant_id"},
              [&identity](request& req, const auth::principal& p) {
                  auto id = http::id_param(req.param("tenant_id"));
                  if (!id) return http::error_response(id.err(), req.request_id);
                  return reply_list(req, identity.list_tenant_users(by(req, p), *id));
              });

    // --- provider organisations ---
    guard.add("POST", "/v1/providers", {.operators = true}, [&identity](request& req, const auth::principal& p) {
        auto o = http::object_with_fields(req.json, {"name", "companies_house_number", "cqc_provider_id", "ofsted_urn"});
        if (!o) return http::error_response(o.err(), req.request_id);
        auto name = http::required_string(**o, "name", 1, 200);
        if (!name) return http::error_response(name.err(), req.request_id);
        provider_org input;
        input.name = *name;
        for (auto [field, target] : {std::pair{"companies_house_number", &input.companies_house_number},
                                     std::pair{"cqc_provider_id", &input.cqc_provider_id}, std::pair{"ofsted_urn", &input.ofsted_urn}}) {
            auto v = http::optional_string(**o, field, 32);
            if (!v) return http::error_response(v.err(), req.request_id);
            *target = *v;
        }
        return reply(req, identity.create_provider(by(req, p), input), 201);
    }, {.body = http::body_kind::json});
    guard.add("GET", "/v1/providers/{provider_id}", {.operators = true, .any_member = true, .scope_param = "provider_id"},
              [&identity](request& req, const auth::principal& p) {
                  auto id = http::id_param(req.param("provider_id"));
                  if (!id) return http::error_response(id.err(), req.request_id);
                  return reply(req, identity.get_provider(by(req, p), *id));
              });
    guard.add("POST", "/v1/providers/{provider_id}/users", {.operators = true, .roles = {role::provider_admin}, .scope_param = "provider_id"},
              [&identity](request& req, const auth::principal& p) {
                  auto id = http::id_param(req.param("provider_id"));
                  if (!id) return http::error_response(id.err(), req.request_id);
                  auto input = read_new_user(req.json, auth::principal_kind::provider);
                  if (!input) return http::error_response(input.err(), req.request_id);
                  return reply(req, identity.create_provider_user(by(req, p), *id, *input), 201);
              }, {.body = http::body_kind::json});
    guard.add("GET", "/v1/providers/{provider_id}/users", {.operators = true, .roles = {role::provider_admin}, .scope_param = "provider_id"},
              [&identity](request& req, const auth::principal& p) {
                  auto id = http::id_param(req.param("provider_id"));
                  if (!id) return http::error_response(id.err(), req.request_id);
                  return reply_list(req, identity.list_provider_users(by(req, p), *id));
              });

    // --- users, roles, tokens ---
    const access_rule user_admin{.operators = true, .roles = {role::tenant_admin, role::provider_admin}, .scope_param = "user_id"};
    guard.add("GET", "/v1/users/{user_id}",
              {.operators = true, .self = true, .roles = {role::tenant_admin, role::provider_admin, role::auditor}, .scope_param = "user_id"},
              [&identity](request& req, const auth::principal& p) {
                  auto id = http::id_param(req.param("user_id"));
                  if (!id) return http::error_response(id.err(), req.request_id);
                  return reply(req, identity.get_user(by(req, p), *id));
              });
    guard.add("POST", "/v1/users/{user_id}/roles", user_admin, [&identity](request& req, const auth::principal& p) {
        auto id = http::id_param(req.param("user_id"));
        if (!id) return http::error_response(id.err(), req.request_id);
        auto o = http::object_with_fields(req.json, {"role", "authority"});
        if (!o) return http::error_response(o.err(), req.request_id);
        auto name = http::required_string(**o, "role", 1, 64);
        if (!name) return http::error_response(name.err(), req.request_id);
        auto authority = http::optional_string(**o, "authority", 64);
        if (!authority) return http::error_response(authority.err(), req.request_id);
        auto parsed = auth::parse_role(*name);
        if (!parsed) return http::error_response(http::invalid_field("role", "unknown role '" + *name + "'"), req.request_id);
        return reply(req, identity.grant_role(by(req, p), *id, {0, *parsed, authority->value_or("")}), 201);
    }, {.body = http::body_kind::json});
    guard.add("DELETE", "/v1/users/{user_id}/roles/{grant_id}", user_admin, [&identity](request& req, const auth::principal& p) {
        auto id = http::id_param(req.param("user_id"));
        auto grant = http::id_param(req.param("grant_id"));
        if (!id) return http::error_response(id.err(), req.request_id);
        if (!grant) return http::error_response(grant.err(), req.request_id);
        return no_content(req, identity.revoke_role(by(req, p), *id, *grant));
    });
    const access_rule token_admin{.operators = true, .self = true, .roles = {role::tenant_admin, role::provider_admin}, .scope_param = "user_id"};
    guard.add("POST", "/v1/users/{user_id}/tokens", token_admin, [&identity](request& req, const auth::principal& p) {
        auto id = http::id_param(req.param("user_id"));
        if (!id) return http::error_response(id.err(), req.request_id);
        auto o = http::object_with_fields(req.json, {"label", "expires_in_days", "password"});
        if (!o) return http::error_response(o.err(), req.request_id);
        auto label = http::optional_string(**o, "label", 100);
        if (!label) return http::error_response(label.err(), req.request_id);
        auto days = http::optional_integer(**o, "expires_in_days", 1, 365);
        if (!days) return http::error_response(days.err(), req.request_id);
        auto password = http::optional_string(**o, "password", 1024);
        if (!password) return http::error_response(password.err(), req.request_id);
        auto issued = identity.issue_token(by(req, p), *id, label->value_or(""), *days ? std::optional<int>{static_cast<int>(**days)} : std::nullopt, *password,
                                           req.remote.empty() ? "unknown" : req.remote);
        if (!issued) return http::error_response(issued.err(), req.request_id);
        auto body = to_json(issued->info).as_object();
        body["token"] = issued->secret; // shown once; only its hash is stored
        return http::json_response(201, body);
    }, {.body = http::body_kind::json});
    guard.add("DELETE", "/v1/tokens/{token_id}",
              {.operators = true, .self = true, .roles = {role::tenant_admin, role::provider_admin}, .scope_param = "token_id"},
              [&identity](request& req, const auth::principal& p) {
                  auto id = http::id_param(req.param("token_id"));
                  if (!id) return http::error_response(id.err(), req.request_id);
                  return no_content(req, identity.revoke_token(by(req, p), *id));
              });
    guard.add("GET", "/v1/users/{user_id}/tokens", token_admin, [&identity](request& req, const auth::principal& p) {
        auto id = http::id_param(req.param("user_id"));
        if (!id) return http::error_response(id.err(), req.request_id);
        return reply_list(req, identity.list_tokens(by(req, p), *id));
    });
}

} // namespace dps::identity
