// Handlers: parse and validate input, call the identity service once, map the result; and their table.
#include "identity/identity_routes.hpp"

#include "auth/access_guard.hpp"
#include "http/json_input.hpp"
#include "http/json_io.hpp"
#include "http/replies.hpp"
#include "identity/acting_for.hpp"
#include "identity/identity_service.hpp"
#include "auth/route_table.hpp"

#include <boost/json.hpp>

namespace dps::identity {
namespace {

using auth::kCouncilRoles, auth::role;
using http::no_content, http::reply, http::reply_list, http::request, http::response, http::with_id;

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

struct credentials {
    std::string email, password;
};
result<credentials> read_credentials(const request& req)
{
    auto o = http::object_with_fields(req.json, {"email", "password"});
    if (!o) return o.err();
    auto email = http::required_string(**o, "email", 1, 254);
    auto password = http::required_string(**o, "password", 1, 1024);
    if (!email) return email.err();
    if (!password) return password.err();
    return credentials{*email, *password};
}

struct new_tenant {
    std::string slug, name, kind;
};
result<new_tenant> read_tenant(const request& req)
{
    auto o = http::object_with_fields(req.json, {"slug", "name", "kind"});
    if (!o) return o.err();
    auto slug = http::required_string(**o, "slug", 2, 64);
    if (!slug) return slug.err();
    auto name = http::required_string(**o, "name", 1, 200);
    if (!name) return name.err();
    auto kind = http::optional_string(**o, "kind", 32);
    if (!kind) return kind.err();
    return new_tenant{*slug, *name, kind->value_or("council")};
}

result<provider_org> read_provider(const request& req)
{
    auto o = http::object_with_fields(req.json, {"name", "companies_house_number", "cqc_provider_id", "ofsted_urn"});
    if (!o) return o.err();
    auto name = http::required_string(**o, "name", 1, 200);
    if (!name) return name.err();
    provider_org input;
    input.name = *name;
    for (auto [field, target] : {std::pair{"companies_house_number", &input.companies_house_number},
                                 std::pair{"cqc_provider_id", &input.cqc_provider_id}, std::pair{"ofsted_urn", &input.ofsted_urn}}) {
        auto v = http::optional_string(**o, field, 32);
        if (!v) return v.err();
        *target = *v;
    }
    return input;
}

result<auth::role_grant> read_grant(const request& req)
{
    auto o = http::object_with_fields(req.json, {"role", "authority"});
    if (!o) return o.err();
    auto name = http::required_string(**o, "role", 1, 64);
    if (!name) return name.err();
    auto authority = http::optional_string(**o, "authority", 64);
    if (!authority) return authority.err();
    auto parsed = auth::parse_role(*name);
    if (!parsed) return http::invalid_field("role", "unknown role '" + *name + "'");
    return auth::role_grant{0, *parsed, authority->value_or("")};
}

struct token_request {
    std::string label;
    std::optional<int> days;
    std::optional<std::string> password;
};
result<token_request> read_token_request(const request& req)
{
    auto o = http::object_with_fields(req.json, {"label", "expires_in_days", "password"});
    if (!o) return o.err();
    auto label = http::optional_string(**o, "label", 100);
    if (!label) return label.err();
    auto days = http::optional_integer(**o, "expires_in_days", 1, 365);
    if (!days) return days.err();
    auto password = http::optional_string(**o, "password", 1024);
    if (!password) return password.err();
    return token_request{label->value_or(""), *days ? std::optional<int>{static_cast<int>(**days)} : std::nullopt, *password};
}

// The peer address, never a client-chosen header: behind a proxy every sign-in shares its address.
std::string client_of(const request& req) { return req.remote.empty() ? "unknown" : req.remote; }

// A token just issued, with its secret: shown once; only its hash is stored.
response issued(const request& req, const result<issued_token>& t)
{
    if (!t) return http::error_response(t.err(), req.request_id);
    auto body = to_json(t->info).as_object();
    body["token"] = t->secret;
    return http::json_response(201, body);
}

} // namespace

using response = identity_handlers::response;

// --- the caller ---

response identity_handlers::me(request& req, const principal& p) { return reply(req, identity_.me(by(req, p))); }

// --- sessions (password login) ---

response identity_handlers::sign_in(request& req)
{
    auto in = read_credentials(req);
    if (!in) return http::error_response(in.err(), req.request_id);
    return issued(req, identity_.login(req.audited_request_id(), client_of(req), in->email, in->password));
}

response identity_handlers::sign_out(request& req, const principal& p) { return no_content(req, identity_.revoke_token(by(req, p), p.token_id)); }

// --- tenants ---

response identity_handlers::create_tenant(request& req, const principal& p)
{
    auto in = read_tenant(req);
    if (!in) return http::error_response(in.err(), req.request_id);
    return reply(req, identity_.create_tenant(by(req, p), in->slug, in->name, in->kind), 201);
}

response identity_handlers::list_tenants(request& req, const principal& p) { return reply_list(req, identity_.list_tenants(by(req, p))); }

response identity_handlers::get_tenant(request& req, const principal& p)
{
    return with_id(req, "tenant_id", [&](std::int64_t id) { return reply(req, identity_.get_tenant(by(req, p), id)); });
}

response identity_handlers::create_council_user(request& req, const principal& p)
{
    return with_id(req, "tenant_id", [&](std::int64_t id) {
        auto input = read_new_user(req.json, auth::principal_kind::council);
        if (!input) return http::error_response(input.err(), req.request_id);
        return reply(req, identity_.create_council_user(by(req, p), id, *input), 201);
    });
}

response identity_handlers::list_tenant_users(request& req, const principal& p)
{
    return with_id(req, "tenant_id", [&](std::int64_t id) { return reply_list(req, identity_.list_tenant_users(by(req, p), id)); });
}

// --- provider organisations ---

response identity_handlers::create_provider(request& req, const principal& p)
{
    auto in = read_provider(req);
    if (!in) return http::error_response(in.err(), req.request_id);
    return reply(req, identity_.create_provider(by(req, p), *in), 201);
}

response identity_handlers::get_provider(request& req, const principal& p)
{
    return with_id(req, "provider_id", [&](std::int64_t id) { return reply(req, identity_.get_provider(by(req, p), id)); });
}

response identity_handlers::create_provider_user(request& req, const principal& p)
{
    return with_id(req, "provider_id", [&](std::int64_t id) {
        auto input = read_new_user(req.json, auth::principal_kind::provider);
        if (!input) return http::error_response(input.err(), req.request_id);
        return reply(req, identity_.create_provider_user(by(req, p), id, *input), 201);
    });
}

response identity_handlers::list_provider_users(request& req, const principal& p)
{
    return with_id(req, "provider_id", [&](std::int64_t id) { return reply_list(req, identity_.list_provider_users(by(req, p), id)); });
}

// --- users, roles, tokens ---

response identity_handlers::get_user(request& req, const principal& p)
{
    return with_id(req, "user_id", [&](std::int64_t id) { return reply(req, identity_.get_user(by(req, p), id)); });
}

response identity_handlers::grant_role(request& req, const principal& p)
{
    return with_id(req, "user_id", [&](std::int64_t id) {
        auto grant = read_grant(req);
        if (!grant) return http::error_response(grant.err(), req.request_id);
        return reply(req, identity_.grant_role(by(req, p), id, *grant), 201);
    });
}

response identity_handlers::revoke_role(request& req, const principal& p)
{
    return with_id(req, "user_id", [&](std::int64_t id) {
        return with_id(req, "grant_id", [&](std::int64_t grant) { return no_content(req, identity_.revoke_role(by(req, p), id, grant)); });
    });
}

response identity_handlers::issue_token(request& req, const principal& p)
{
    return with_id(req, "user_id", [&](std::int64_t id) {
        auto in = read_token_request(req);
        if (!in) return http::error_response(in.err(), req.request_id);
        return issued(req, identity_.issue_token(by(req, p), id, in->label, in->days, in->password, client_of(req)));
    });
}

response identity_handlers::revoke_token(request& req, const principal& p)
{
    return with_id(req, "token_id", [&](std::int64_t id) { return no_content(req, identity_.revoke_token(by(req, p), id)); });
}

response identity_handlers::list_tokens(request& req, const principal& p)
{
    return with_id(req, "user_id", [&](std::int64_t id) { return reply_list(req, identity_.list_tokens(by(req, p), id)); });
}

namespace {

// The table: {method, path, roles, scope parameter, handler, flags} (auth/route_table.hpp);
// a public row is {method, path, handler, flags}.
std::vector<auth::route_row<identity_handlers>> routes()
{
    using h = identity_handlers;
    using namespace auth::route_flags;
    const std::vector<role> kAdmins{role::tenant_admin, role::provider_admin};
    return {
        // --- the caller ---
        {"GET", "/v1/me", {}, nullptr, &h::me, any_principal},
        // --- sessions (password login) ---
        {"POST", "/v1/sessions", &h::sign_in, json},
        {"DELETE", "/v1/sessions/current", {}, nullptr, &h::sign_out, any_principal},
        // --- tenants ---
        {"POST", "/v1/tenants", {}, nullptr, &h::create_tenant, operators | json},
        {"GET", "/v1/tenants", kCouncilRoles, nullptr, &h::list_tenants, operators},
        {"GET", "/v1/tenants/{tenant_id}", {}, "tenant_id", &h::get_tenant, operators | any_member},
        {"POST", "/v1/tenants/{tenant_id}/users", {role::tenant_admin}, "tenant_id", &h::create_council_user, operators | json},
        {"GET", "/v1/tenants/{tenant_id}/users", {role::tenant_admin, role::auditor}, "tenant_id", &h::list_tenant_users, operators},
        // --- provider organisations ---
        {"POST", "/v1/providers", {}, nullptr, &h::create_provider, operators | json},
        {"GET", "/v1/providers/{provider_id}", {}, "provider_id", &h::get_provider, operators | any_member},
        {"POST", "/v1/providers/{provider_id}/users", {role::provider_admin}, "provider_id", &h::create_provider_user, operators | json},
        {"GET", "/v1/providers/{provider_id}/users", {role::provider_admin}, "provider_id", &h::list_provider_users, operators},
        // --- users, roles, tokens ---
        {"GET", "/v1/users/{user_id}", {role::tenant_admin, role::provider_admin, role::auditor}, "user_id", &h::get_user, operators | self},
        {"POST", "/v1/users/{user_id}/roles", kAdmins, "user_id", &h::grant_role, operators | json},
        {"DELETE", "/v1/users/{user_id}/roles/{grant_id}", kAdmins, "user_id", &h::revoke_role, operators},
        {"POST", "/v1/users/{user_id}/tokens", kAdmins, "user_id", &h::issue_token, operators | self | json},
        {"DELETE", "/v1/tokens/{token_id}", kAdmins, "token_id", &h::revoke_token, operators | self},
        {"GET", "/v1/users/{user_id}/tokens", kAdmins, "user_id", &h::list_tokens, operators | self},
    };
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

    auth::add_route_table(guard, identity_handlers{identity}, routes());
}

} // namespace dps::identity
