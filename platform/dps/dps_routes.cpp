// Handlers for /v1/dps…, /v1/applications…, /v1/providers/{id}/profile.
#include "dps/dps_routes.hpp"

#include "auth/access_guard.hpp"
#include "dps/dps_service.hpp"
#include "http/json_input.hpp"
#include "http/json_io.hpp"
#include "http/replies.hpp"
#include "identity/acting_for.hpp"

#include <boost/json.hpp>

#include <set>

namespace dps::purchasing {
namespace {

using auth::role;
using http::request;
using http::no_content;
using http::reply;
using http::reply_list;
using http::response;

using identity::by;

// The query string's status=… filter, if any.
std::optional<std::string> status_filter(const request& req)
{
    const std::string key = "status=";
    auto pos = req.query.find(key);
    if (pos == std::string::npos || (pos > 0 && req.query[pos - 1] != '&')) return std::nullopt;
    auto end = req.query.find('&', pos);
    return req.query.substr(pos + key.size(), end == std::string::npos ? std::string::npos : end - pos - key.size());
}

const std::vector<role> kLeadOfficers{role::tenant_admin, role::commissioner};

} // namespace

void add_dps_routes(auth::access_guard& guard, dps_service& dps)
{
    guard.add_resolver("dps_id", [&dps](std::int64_t id, const db::scope& as) { return dps.dps_owner(id, as); });
    guard.add_resolver("application_id", [&dps](std::int64_t id, const db::scope& as) { return dps.application_owner(id, as); });

    guard.add("POST", "/v1/dps", {.roles = kLeadOfficers}, [&dps](request& req, const auth::principal& p) {
        auto o = http::object_with_fields(req.json, {"title", "category", "regime", "term_starts_on", "term_ends_on", "latest_end_on"});
        if (!o) return http::error_response(o.err(), req.request_id);
        new_dps in;
        for (auto [field, target] : {std::pair{"title", &in.title}, std::pair{"category", &in.category}, std::pair{"regime", &in.regime},
                                     std::pair{"term_starts_on", &in.term_starts_on}, std::pair{"term_ends_on", &in.term_ends_on}}) {
            auto v = http::required_string(**o, field, 1, 300);
            if (!v) return http::error_response(v.err(), req.request_id);
            *target = *v;
        }
        auto latest = http::optional_string(**o, "latest_end_on", 10);
        if (!latest) return http::error_response(latest.err(), req.request_id);
        in.latest_end_on = latest->value_or(in.term_ends_on);
        return reply(req, dps.create(by(req, p), in), 201);
    }, {.body = http::body_kind::json});
    guard.add("GET", "/v1/dps", auth::access_rule::authenticated(), [&dps](request& req, const auth::principal& p) {
        return reply_list(req, dps.list(by(req, p)));
    });
    guard.add("GET", "/v1/dps/{dps_id}", auth::access_rule::authenticated(), [&dps](request& req, const auth::principal& p) {
        auto id = http::id_param(req.param("dps_id"));
        if (!id) return http::error_response(id.err(), req.request_id);
        return reply(req, dps.get(by(req, p), *id));
    });
    guard.add("POST", "/v1/dps/{dps_id}/status", {.roles = kLeadOfficers, .scope_param = "dps_id"},
              [&dps](request& req, const auth::principal& p) {
                  auto id = http::id_param(req.param("dps_id"));
                  if (!id) return http::error_response(id.err(), req.request_id);
                  auto o = http::object_with_fields(req.json, {"action", "reason"});
                  if (!o) return http::error_response(o.err(), req.request_id);
                  auto action = http::required_string(**o, "action", 1, 32);
                  if (!action) return http::error_response(action.err(), req.request_id);
                  auto reason = http::optional_string(**o, "reason", 2000);
                  if (!reason) return http::error_response(reason.err(), req.request_id);
                  return reply(req, dps.change_status(by(req, p), *id, *action, *reason));
              }, {.body = http::body_kind::json});
    guard.add("POST", "/v1/dps/{dps_id}/extend", {.roles = kLeadOfficers, .scope_param = "dps_id"},
              [&dps](request& req, const auth::principal& p) {
                  auto id = http::id_param(req.param("dps_id"));
                  if (!id) return http::error_response(id.err(), req.request_id);
                  auto o = http::object_with_fields(req.json, {"term_ends_on"});
                  if (!o) return http::error_response(o.err(), req.request_id);
                  auto end = http::required_string(**o, "term_ends_on", 10, 10);
                  if (!end) return http::error_response(end.err(), req.request_id);
                  return reply(req, dps.extend(by(req, p), *id, *end));
              }, {.body = http::body_kind::json});
    guard.add("GET", "/v1/dps/{dps_id}/lots", auth::access_rule::authenticated(), [&dps](request& req, const auth::principal& p) {
        auto id = http::id_param(req.param("dps_id"));
        if (!id) return http::error_response(id.err(), req.request_id);
        return reply_list(req, dps.lots(by(req, p), *id));
    });
    guard.add("POST", "/v1/dps/{dps_id}/lots", {.roles = kLeadOfficers, .scope_param = "dps_id"},
              [&dps](request& req, const auth::principal& p) {
                  auto id = http::id_param(req.param("dps_id"));
                  if (!id) return http::error_response(id.err(), req.request_id);
                  auto o = http::object_with_fields(req.json, {"code", "name", "description", "requirements"});
                  if (!o) return http::error_response(o.err(), req.request_id);
                  auto code = http::required_string(**o, "code", 1, 64);
                  auto name = http::required_string(**o, "name", 1, 200);
                  auto description = http::optional_string(**o, "description", 4000);
                  if (!code) return http::error_response(code.err(), req.request_id);
                  if (!name) return http::error_response(name.err(), req.request_id);
                  if (!description) return http::error_response(description.err(), req.request_id);
                  lot l;
                  l.code = *code;
                  l.name = *name;
                  l.description = description->value_or("");
                  if (const auto* r = (*o)->if_contains("requirements")) {
                      if (!r->is_object()) return http::error_response(http::invalid_field("requirements", "must be an object"), req.request_id);
                      l.requirements = r->get_object();
                  }
                  return reply(req, dps.add_lot(by(req, p), *id, l), 201);
              }, {.body = http::body_kind::json});
    guard.add("POST", "/v1/dps/{dps_id}/lots/from-plugin", {.roles = kLeadOfficers, .scope_param = "dps_id"},
              [&dps](request& req, const auth::principal& p) {
                  auto id = http::id_param(req.param("dps_id"));
                  if (!id) return http::error_response(id.err(), req.request_id);
                  auto added = dps.import_plugin_lots(by(req, p), *id);
                  if (!added) return http::error_response(added.err(), req.request_id);
                  boost::json::array items;
                  for (const auto& l : *added) items.push_back(to_json(l));
                  return http::json_response(201, {{"items", std::move(items)}});
              });
    guard.add("POST", "/v1/dps/{dps_id}/lots/{lot_code}/applications", {.roles = {role::provider_admin, role::bidder}},
              [&dps](request& req, const auth::principal& p) {
                  auto id = http::id_param(req.param("dps_id"));
                  if (!id) return http::error_response(id.err(), req.request_id);
                  return reply(req, dps.apply(by(req, p), *id, req.param("lot_code")), 201);
              });
    // Every council and provider role, not operators: applications carry each criterion and rejection reason (issue 15).
    const auth::access_rule members{.roles = {role::tenant_admin, role::commissioner, role::approver, role::contract_manager, role::finance,
                                              role::auditor, role::provider_admin, role::bidder}};
    guard.add("GET", "/v1/dps/{dps_id}/applications", members, [&dps](request& req, const auth::principal& p) {
        auto id = http::id_param(req.param("dps_id"));
        if (!id) return http::error_response(id.err(), req.request_id);
        const auto status = status_filter(req);
        static const std::set<std::string> known{"submitted", "admitted", "rejected", "withdrawn", "suspended", "removed"};
        if (status && !known.count(*status))
            return http::error_response(
                http::invalid_field("status", "one of submitted, admitted, rejected, withdrawn, suspended, removed"), req.request_id);
        return reply_list(req, dps.applications(by(req, p), *id, status));
    });
    const auth::access_rule application_parties{
        .roles = {role::tenant_admin, role::commissioner, role::contract_manager, role::auditor, role::provider_admin, role::bidder},
        .scope_param = "application_id"};
    guard.add("GET", "/v1/applications/{application_id}", application_parties, [&dps](request& req, const auth::principal& p) {
        auto id = http::id_param(req.param("application_id"));
        if (!id) return http::error_response(id.err(), req.request_id);
        return reply(req, dps.get_application(by(req, p), *id));
    });
    guard.add("GET", "/v1/applications/{application_id}/history", application_parties, [&dps](request& req, const auth::principal& p) {
        auto id = http::id_param(req.param("application_id"));
        if (!id) return http::error_response(id.err(), req.request_id);
        return reply_list(req, dps.history(by(req, p), "application", *id));
    });
    guard.add("POST", "/v1/applications/{application_id}/decision",
              {.roles = {role::tenant_admin, role::commissioner, role::contract_manager, role::provider_admin, role::bidder},
               .scope_param = "application_id"},
              [&dps](request& req, const auth::principal& p) {
                  auto id = http::id_param(req.param("application_id"));
                  if (!id) return http::error_response(id.err(), req.request_id);
                  auto o = http::object_with_fields(req.json, {"action", "reason", "evidence_required", "effective_on"});
                  if (!o) return http::error_response(o.err(), req.request_id);
                  auto action = http::required_string(**o, "action", 1, 32);
                  if (!action) return http::error_response(action.err(), req.request_id);
                  decision_input in{*action, {}, {}, {}};
                  for (auto [field, target] : {std::pair{"reason", &in.reason}, std::pair{"evidence_required", &in.evidence_required},
                                               std::pair{"effective_on", &in.effective_on}}) {
                      auto v = http::optional_string(**o, field, 2000);
                      if (!v) return http::error_response(v.err(), req.request_id);
                      *target = *v;
                  }
                  return reply(req, dps.decide(by(req, p), *id, in));
              }, {.body = http::body_kind::json});
    guard.add("GET", "/v1/dps/{dps_id}/history", {.roles = {role::tenant_admin, role::commissioner, role::contract_manager, role::auditor},
                                                  .scope_param = "dps_id"},
              [&dps](request& req, const auth::principal& p) {
                  auto id = http::id_param(req.param("dps_id"));
                  if (!id) return http::error_response(id.err(), req.request_id);
                  return reply_list(req, dps.history(by(req, p), "dps", *id));
              });
    guard.add("GET", "/v1/providers/{provider_id}/profile", auth::access_rule::authenticated(),
              [&dps](request& req, const auth::principal& p) {
                  auto id = http::id_param(req.param("provider_id"));
                  if (!id) return http::error_response(id.err(), req.request_id);
                  return reply(req, dps.profile(by(req, p), *id));
              });
    guard.add("PATCH", "/v1/providers/{provider_id}/profile", {.operators = true, .roles = {role::provider_admin}, .scope_param = "provider_id"},
              [&dps](request& req, const auth::principal& p) {
                  auto id = http::id_param(req.param("provider_id"));
                  if (!id) return http::error_response(id.err(), req.request_id);
                  if (!req.json.is_object()) return http::error_response(http::invalid_field("body", "must be an object"), req.request_id);
                  return reply(req, dps.update_profile(by(req, p), *id, req.json.get_object()));
              }, {.body = http::body_kind::json});
}

} // namespace dps::purchasing
