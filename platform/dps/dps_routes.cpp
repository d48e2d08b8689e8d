// Handlers for /v1/dps…, /v1/applications…, /v1/providers/{id}/profile, and their table.
#include "dps/dps_routes.hpp"

#include "auth/access_guard.hpp"
#include "dps/dps_service.hpp"
#include "http/json_input.hpp"
#include "http/query.hpp"
#include "http/json_io.hpp"
#include "http/replies.hpp"
#include "identity/acting_for.hpp"
#include "auth/route_table.hpp"

#include <boost/json.hpp>

#include <set>

namespace dps::purchasing {
namespace {

using auth::role;
using http::reply, http::reply_list, http::request, http::response, http::with_id;
using identity::by;

// The new DPS: title, category, regime and its term; the latest end defaults to the term's end.
result<new_dps> read_dps(const request& req)
{
    auto o = http::object_with_fields(req.json, {"title", "category", "regime", "term_starts_on", "term_ends_on", "latest_end_on"});
    if (!o) return o.err();
    new_dps in;
    for (auto [field, target] : {std::pair{"title", &in.title}, std::pair{"category", &in.category}, std::pair{"regime", &in.regime},
                                 std::pair{"term_starts_on", &in.term_starts_on}, std::pair{"term_ends_on", &in.term_ends_on}}) {
        auto v = http::required_string(**o, field, 1, 300);
        if (!v) return v.err();
        *target = *v;
    }
    auto latest = http::optional_string(**o, "latest_end_on", 10);
    if (!latest) return latest.err();
    in.latest_end_on = latest->value_or(in.term_ends_on);
    return in;
}

// The new lot: code, name, description and its requirements (an object the lead's plugin reads).
result<lot> read_lot(const request& req)
{
    auto o = http::object_with_fields(req.json, {"code", "name", "description", "requirements"});
    if (!o) return o.err();
    auto code = http::required_string(**o, "code", 1, 64);
    auto name = http::required_string(**o, "name", 1, 200);
    auto description = http::optional_string(**o, "description", 4000);
    if (!code) return code.err();
    if (!name) return name.err();
    if (!description) return description.err();
    lot l;
    l.code = *code;
    l.name = *name;
    l.description = description->value_or("");
    if (const auto* r = (*o)->if_contains("requirements")) {
        if (!r->is_object()) return http::invalid_field("requirements", "must be an object");
        l.requirements = r->get_object();
    }
    return l;
}

// The lead's (or the provider's, to withdraw) decision on an application.
result<decision_input> read_decision(const request& req)
{
    auto o = http::object_with_fields(req.json, {"action", "reason", "evidence_required", "effective_on"});
    if (!o) return o.err();
    auto action = http::required_string(**o, "action", 1, 32);
    if (!action) return action.err();
    decision_input in{*action, {}, {}, {}};
    for (auto [field, target] : {std::pair{"reason", &in.reason}, std::pair{"evidence_required", &in.evidence_required},
                                 std::pair{"effective_on", &in.effective_on}}) {
        auto v = http::optional_string(**o, field, 2000);
        if (!v) return v.err();
        *target = *v;
    }
    return in;
}

} // namespace

using response = dps_handlers::response;

response dps_handlers::create_dps(request& req, const principal& p)
{
    auto in = read_dps(req);
    if (!in) return http::error_response(in.err(), req.request_id);
    return reply(req, dps_.create(by(req, p), *in), 201);
}

response dps_handlers::list_dps(request& req, const principal& p) { return reply_list(req, dps_.list(by(req, p))); }

response dps_handlers::get_dps(request& req, const principal& p)
{
    return with_id(req, "dps_id", [&](std::int64_t id) { return reply(req, dps_.get(by(req, p), id)); });
}

response dps_handlers::change_status(request& req, const principal& p)
{
    return with_id(req, "dps_id", [&](std::int64_t id) {
        // A status move on the DPS: the action and, where it needs one, why.
        auto in = http::read_word_and_note(req.json, "action", 32, "reason", 2000);
        if (!in) return http::error_response(in.err(), req.request_id);
        return reply(req, dps_.change_status(by(req, p), id, in->word, in->note));
    });
}

response dps_handlers::extend(request& req, const principal& p)
{
    return with_id(req, "dps_id", [&](std::int64_t id) {
        auto end = http::only_string(req.json, "term_ends_on", 10, 10);
        if (!end) return http::error_response(end.err(), req.request_id);
        return reply(req, dps_.extend(by(req, p), id, *end));
    });
}

response dps_handlers::list_lots(request& req, const principal& p)
{
    return with_id(req, "dps_id", [&](std::int64_t id) { return reply_list(req, dps_.lots(by(req, p), id)); });
}

response dps_handlers::add_lot(request& req, const principal& p)
{
    return with_id(req, "dps_id", [&](std::int64_t id) {
        auto in = read_lot(req);
        if (!in) return http::error_response(in.err(), req.request_id);
        return reply(req, dps_.add_lot(by(req, p), id, *in), 201);
    });
}

response dps_handlers::import_plugin_lots(request& req, const principal& p)
{
    return with_id(req, "dps_id", [&](std::int64_t id) { return reply_list(req, dps_.import_plugin_lots(by(req, p), id), 201); });
}

response dps_handlers::apply(request& req, const principal& p)
{
    return with_id(req, "dps_id", [&](std::int64_t id) { return reply(req, dps_.apply(by(req, p), id, req.param("lot_code")), 201); });
}

response dps_handlers::list_applications(request& req, const principal& p)
{
    return with_id(req, "dps_id", [&](std::int64_t id) {
        auto q = http::query_params::parse(req.query, {"status"});
        if (!q) return http::error_response(q.err(), req.request_id);
        const auto status = q->text("status");
        if (status && !parse<application_status>(*status))
            return http::error_response(
                http::invalid_field("status", "one of submitted, admitted, rejected, withdrawn, suspended, removed"), req.request_id);
        return reply_list(req, dps_.applications(by(req, p), id, status));
    });
}

response dps_handlers::get_application(request& req, const principal& p)
{
    return with_id(req, "application_id", [&](std::int64_t id) { return reply(req, dps_.get_application(by(req, p), id)); });
}

response dps_handlers::application_history(request& req, const principal& p)
{
    return with_id(req, "application_id", [&](std::int64_t id) { return reply_list(req, dps_.history(by(req, p), "application", id)); });
}

response dps_handlers::decide_application(request& req, const principal& p)
{
    return with_id(req, "application_id", [&](std::int64_t id) {
        auto in = read_decision(req);
        if (!in) return http::error_response(in.err(), req.request_id);
        return reply(req, dps_.decide(by(req, p), id, *in));
    });
}

response dps_handlers::dps_history(request& req, const principal& p)
{
    return with_id(req, "dps_id", [&](std::int64_t id) { return reply_list(req, dps_.history(by(req, p), "dps", id)); });
}

response dps_handlers::get_profile(request& req, const principal& p)
{
    return with_id(req, "provider_id", [&](std::int64_t id) { return reply(req, dps_.profile(by(req, p), id)); });
}

response dps_handlers::update_profile(request& req, const principal& p)
{
    return with_id(req, "provider_id", [&](std::int64_t id) {
        if (!req.json.is_object()) return http::error_response(http::invalid_field("body", "must be an object"), req.request_id);
        return reply(req, dps_.update_profile(by(req, p), id, req.json.get_object()));
    });
}

namespace {

// The table: {method, path, roles, scope parameter, handler, flags} (auth/route_table.hpp).
std::vector<auth::route_row<dps_handlers>> routes()
{
    using h = dps_handlers;
    using namespace auth::route_flags;
    using auth::kLeadOfficers;
    const std::vector<role> application_parties{role::tenant_admin, role::commissioner, role::contract_manager,
                                                role::auditor,      role::provider_admin, role::bidder};
    return {
        {"POST", "/v1/dps", kLeadOfficers, nullptr, &h::create_dps, json},
        {"GET", "/v1/dps", {}, nullptr, &h::list_dps, any_principal},
        {"GET", "/v1/dps/{dps_id}", {}, nullptr, &h::get_dps, any_principal},
        {"POST", "/v1/dps/{dps_id}/status", kLeadOfficers, "dps_id", &h::change_status, json},
        {"POST", "/v1/dps/{dps_id}/extend", kLeadOfficers, "dps_id", &h::extend, json},
        {"GET", "/v1/dps/{dps_id}/lots", {}, nullptr, &h::list_lots, any_principal},
        {"POST", "/v1/dps/{dps_id}/lots", kLeadOfficers, "dps_id", &h::add_lot, json},
        {"POST", "/v1/dps/{dps_id}/lots/from-plugin", kLeadOfficers, "dps_id", &h::import_plugin_lots},
        {"POST", "/v1/dps/{dps_id}/lots/{lot_code}/applications", auth::kProviderRoles, nullptr, &h::apply},
        // Every council and provider role, not operators: applications carry each criterion and rejection reason (issue 15).
        {"GET", "/v1/dps/{dps_id}/applications", auth::member_roles(), nullptr, &h::list_applications},
        {"GET", "/v1/applications/{application_id}", application_parties, "application_id", &h::get_application},
        {"GET", "/v1/applications/{application_id}/history", application_parties, "application_id", &h::application_history},
        {"POST", "/v1/applications/{application_id}/decision",
         {role::tenant_admin, role::commissioner, role::contract_manager, role::provider_admin, role::bidder}, "application_id",
         &h::decide_application, json},
        {"GET", "/v1/dps/{dps_id}/history", {role::tenant_admin, role::commissioner, role::contract_manager, role::auditor}, "dps_id",
         &h::dps_history},
        {"GET", "/v1/providers/{provider_id}/profile", {}, nullptr, &h::get_profile, any_principal},
        {"PATCH", "/v1/providers/{provider_id}/profile", {role::provider_admin}, "provider_id", &h::update_profile, operators | json},
    };
}

} // namespace

void add_dps_routes(auth::access_guard& guard, dps_service& dps)
{
    guard.add_resolver("dps_id", [&dps](std::int64_t id, const db::scope& as) { return dps.dps_owner(id, as); });
    guard.add_resolver("application_id", [&dps](std::int64_t id, const db::scope& as) { return dps.application_owner(id, as); });
    auth::add_route_table(guard, dps_handlers{dps}, routes());
}

} // namespace dps::purchasing
