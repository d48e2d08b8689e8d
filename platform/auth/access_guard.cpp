// Authentication (bearer token → principal) and authorisation (rule + owner → allow, 403 or 404).
#include "auth/access_guard.hpp"

#include "http/json_input.hpp"
#include "http/json_io.hpp"
#include "identity/identity_service.hpp"
#include "log/logger.hpp"

#include <stdexcept>

namespace dps::auth {

std::string access_rule::describe() const
{
    if (is_public) return "public";
    if (any_principal) return "any authenticated caller";
    std::string out;
    auto add = [&](const std::string& s) { out += (out.empty() ? "" : ", ") + s; };
    if (operators) add("operator");
    if (any_member) add("any member");
    if (self) add("the user themself");
    for (auto r : roles) add(std::string{to_string(r)});
    if (!scope_param.empty()) out += " (of the owner of {" + scope_param + "})";
    return out;
}

access_guard::access_guard(http::router& routes, identity::identity_service& identity) : routes_(routes), identity_(identity)
{
    // Owners named directly by the path.
    add_resolver("tenant_id", [](std::int64_t id, const db::scope&) -> result<std::optional<owner>> {
        return std::optional<owner>{owner{id, std::nullopt, std::nullopt, std::nullopt}};
    });
    add_resolver("provider_id", [](std::int64_t id, const db::scope&) -> result<std::optional<owner>> {
        return std::optional<owner>{owner{std::nullopt, id, std::nullopt, std::nullopt}};
    });
}

void access_guard::add_resolver(const std::string& param, owner_resolver resolver) { resolvers_[param] = std::move(resolver); }

const principal& access_guard::caller(const http::request& req)
{
    const auto* p = std::any_cast<principal>(&req.caller);
    if (!p) throw std::logic_error("a secured handler ran without a caller"); // a wiring bug, not a client error
    return *p;
}

void access_guard::add(const std::string& method, const std::string& pattern, access_rule rule, secured_handler handler,
                       http::route_options options)
{
    if (rule.is_public) throw std::invalid_argument("use add_public for " + pattern);
    if (!rule.scope_param.empty() && pattern.find("{" + rule.scope_param + "}") == std::string::npos)
        throw std::invalid_argument("rule scope {" + rule.scope_param + "} is not in " + pattern);
    if (!rule.scope_param.empty() && !resolvers_.count(rule.scope_param))
        throw std::invalid_argument("no owner resolver for {" + rule.scope_param + "}");
    registry_.push_back({method, pattern, rule});
    options.admit = [this, rule](http::request& req) { return admit(req, rule); };
    options.runs_inline = false; // authentication reads the database
    routes_.add(method, pattern, [handler = std::move(handler)](http::request& req) { return handler(req, caller(req)); }, options);
}

void access_guard::add_public(const std::string& method, const std::string& pattern, http::handler handler,
                              http::route_options options)
{
    registry_.push_back({method, pattern, access_rule::public_route()});
    routes_.add(method, pattern, std::move(handler), options);
}

http::response access_guard::deny(const http::request& req, const principal* who, const error& e)
{
    boost::json::object fields{{"path", req.path}, {"method", req.method}, {"status", http_status(e.kind)},
                               {"code", e.code}, {"request_id", req.request_id}};
    if (who) fields["actor"] = who->actor();
    if (!e.detail.empty()) fields["reason"] = e.detail;
    log::warn("access_denied", std::move(fields));
    return http::error_response(e, req.request_id);
}

std::optional<http::response> access_guard::admit(http::request& req, const access_rule& rule)
{
    const std::string* header = req.header("authorization");
    if (!header)
        return deny(req, nullptr, make_error(error_kind::unauthorized, "missing_token",
                                             "send an API or session token as 'Authorization: Bearer …'"));
    constexpr std::string_view scheme = "Bearer ";
    if (header->size() <= scheme.size() || header->compare(0, scheme.size(), scheme) != 0)
        return deny(req, nullptr, make_error(error_kind::unauthorized, "invalid_token", "the Authorization header must be 'Bearer TOKEN'"));
    auto who = identity_.authenticate(header->substr(scheme.size()));
    if (!who) {
        if (who.err().kind != error_kind::unauthorized) return http::error_response(who.err(), req.request_id); // e.g. 503
        return deny(req, nullptr, who.err());
    }
    const principal& p = *who;

    const auto forbidden = make_error(error_kind::forbidden, "forbidden", "your role does not allow this");
    const auto hidden = make_error(error_kind::not_found, "not_found", "no such object");
    bool allowed = rule.any_principal || (rule.operators && p.is_operator());
    if (!allowed && p.is_operator()) return deny(req, &p, forbidden);

    if (!allowed && !rule.scope_param.empty()) {
        // Parsed exactly as the handlers parse them (http::id_param), so guard and handler agree on the id.
        auto id = http::id_param(req.param(rule.scope_param));
        result<std::optional<owner>> resolved = std::optional<owner>{};
        if (id) resolved = resolvers_.at(rule.scope_param)(*id, p.data_scope());
        if (!resolved) return http::error_response(resolved.err(), req.request_id);
        const auto& o = *resolved;
        const bool same_owner = o && ((o->tenant_id && p.tenant_id == o->tenant_id) ||
                                      (o->partner_tenant_id && p.tenant_id == o->partner_tenant_id) ||
                                      (o->provider_org_id && p.provider_org_id == o->provider_org_id));
        if (!same_owner) return deny(req, &p, hidden); // another tenant's object, or none: the same answer
        if (rule.self && o->user_id && *o->user_id == p.user_id) allowed = true;
        if (rule.any_member) allowed = true;
    }
    for (auto r : rule.roles) allowed = allowed || p.has_role(r);
    if (!allowed) return deny(req, &p, forbidden);
    req.caller = p;
    return std::nullopt;
}

} // namespace dps::auth
