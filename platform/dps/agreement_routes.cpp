// Handlers for access agreements (/v1/dps/{id}/agreements, /v1/agreements/…) and spend authorities.
#include "auth/access_guard.hpp"
#include "dps/agreement_service.hpp"
#include "dps/dps_routes.hpp"
#include "dps/dps_service.hpp"
#include "core/money.hpp"
#include "http/json_input.hpp"
#include "http/json_io.hpp"
#include "http/replies.hpp"
#include "identity/acting_for.hpp"

#include <boost/json.hpp>

namespace dps::purchasing {
namespace {

using auth::role;
using http::request;
using http::no_content;
using http::reply;
using http::reply_list;
using http::response;

using identity::by;

const std::vector<role> kCouncilRoles{role::tenant_admin, role::commissioner, role::approver, role::contract_manager, role::finance, role::auditor};
const std::vector<role> kOfficers{role::tenant_admin, role::commissioner};

// Reads one required string field from a JSON body that may hold only that field.
result<std::string> single_field(const request& req, const char* field, std::size_t min, std::size_t max)
{
    auto o = http::object_with_fields(req.json, {field});
    if (!o) return o.err();
    return http::required_string(**o, field, min, max);
}

} // namespace

void add_agreement_routes(auth::access_guard& guard, agreement_service& agreements, dps_service& dps)
{
    guard.add_resolver("agreement_id", [&agreements](std::int64_t id, const db::scope& as) { return agreements.agreement_owner(id, as); });

    guard.add("POST", "/v1/dps/{dps_id}/agreements", {.roles = kOfficers}, [&agreements](request& req, const auth::principal& p) {
        auto id = http::id_param(req.param("dps_id"));
        if (!id) return http::error_response(id.err(), req.request_id);
        auto o = http::object_with_fields(req.json, {"lot_codes", "starts_on", "ends_on"});
        if (!o) return http::error_response(o.err(), req.request_id);
        std::vector<std::string> codes;
        const auto* list = (*o)->if_contains("lot_codes");
        if (!list || !list->is_array()) return http::error_response(http::invalid_field("lot_codes", "a list of lot codes is required"), req.request_id);
        for (const auto& c : list->get_array()) {
            if (!c.is_string()) return http::error_response(http::invalid_field("lot_codes", "each lot code is a string"), req.request_id);
            codes.emplace_back(c.get_string());
        }
        auto starts = http::required_string(**o, "starts_on", 10, 10);
        auto ends = http::required_string(**o, "ends_on", 10, 10);
        if (!starts) return http::error_response(starts.err(), req.request_id);
        if (!ends) return http::error_response(ends.err(), req.request_id);
        return reply(req, agreements.request(by(req, p), *id, codes, *starts, *ends), 201);
    }, {.body = http::body_kind::json});
    guard.add("GET", "/v1/dps/{dps_id}/agreements", {.roles = kCouncilRoles}, [&agreements](request& req, const auth::principal& p) {
        auto id = http::id_param(req.param("dps_id"));
        if (!id) return http::error_response(id.err(), req.request_id);
        return reply_list(req, agreements.list(by(req, p), *id));
    });
    guard.add("GET", "/v1/agreements/{agreement_id}", {.roles = kCouncilRoles, .scope_param = "agreement_id"},
              [&agreements](request& req, const auth::principal& p) {
                  auto id = http::id_param(req.param("agreement_id"));
                  if (!id) return http::error_response(id.err(), req.request_id);
                  return reply(req, agreements.get(by(req, p), *id));
              });
    guard.add("GET", "/v1/agreements/{agreement_id}/history", {.roles = kCouncilRoles, .scope_param = "agreement_id"},
              [&dps](request& req, const auth::principal& p) {
                  auto id = http::id_param(req.param("agreement_id"));
                  if (!id) return http::error_response(id.err(), req.request_id);
                  return reply_list(req, dps.history(by(req, p), "access_agreement", *id));
              });
    guard.add("POST", "/v1/agreements/{agreement_id}/decision", {.roles = kOfficers, .scope_param = "agreement_id"},
              [&agreements](request& req, const auth::principal& p) {
                  auto id = http::id_param(req.param("agreement_id"));
                  if (!id) return http::error_response(id.err(), req.request_id);
                  auto action = single_field(req, "action", 1, 32);
                  if (!action) return http::error_response(action.err(), req.request_id);
                  return reply(req, agreements.decide(by(req, p), *id, *action));
              }, {.body = http::body_kind::json});
    guard.add("POST", "/v1/agreements/{agreement_id}/notice", {.roles = kOfficers, .scope_param = "agreement_id"},
              [&agreements](request& req, const auth::principal& p) {
                  auto id = http::id_param(req.param("agreement_id"));
                  if (!id) return http::error_response(id.err(), req.request_id);
                  auto given = single_field(req, "given_on", 10, 10);
                  if (!given) return http::error_response(given.err(), req.request_id);
                  return reply(req, agreements.give_notice(by(req, p), *id, *given));
              }, {.body = http::body_kind::json});
    guard.add("POST", "/v1/agreements/{agreement_id}/lots", {.roles = kOfficers, .scope_param = "agreement_id"},
              [&agreements](request& req, const auth::principal& p) {
                  auto id = http::id_param(req.param("agreement_id"));
                  if (!id) return http::error_response(id.err(), req.request_id);
                  auto code = single_field(req, "lot_code", 1, 64);
                  if (!code) return http::error_response(code.err(), req.request_id);
                  return reply(req, agreements.add_lot(by(req, p), *id, *code));
              }, {.body = http::body_kind::json});
    guard.add("DELETE", "/v1/agreements/{agreement_id}/lots/{lot_code}", {.roles = kOfficers, .scope_param = "agreement_id"},
              [&agreements](request& req, const auth::principal& p) {
                  auto id = http::id_param(req.param("agreement_id"));
                  if (!id) return http::error_response(id.err(), req.request_id);
                  return reply(req, agreements.drop_lot(by(req, p), *id, req.param("lot_code")));
              });
    guard.add("POST", "/v1/agreements/{agreement_id}/fees/{fee_id}/paid", {.roles = {role::finance, role::tenant_admin}, .scope_param = "agreement_id"},
              [&agreements](request& req, const auth::principal& p) {
                  auto id = http::id_param(req.param("agreement_id"));
                  auto fee = http::id_param(req.param("fee_id"));
                  if (!id) return http::error_response(id.err(), req.request_id);
                  if (!fee) return http::error_response(fee.err(), req.request_id);
                  auto paid = single_field(req, "paid_on", 10, 10);
                  if (!paid) return http::error_response(paid.err(), req.request_id);
                  return reply(req, agreements.mark_fee_paid(by(req, p), *id, *fee, *paid));
              }, {.body = http::body_kind::json});
    guard.add("POST", "/v1/dps/{dps_id}/spend-authorities", {.roles = {role::finance, role::tenant_admin}},
              [&agreements](request& req, const auth::principal& p) {
                  auto id = http::id_param(req.param("dps_id"));
                  if (!id) return http::error_response(id.err(), req.request_id);
                  auto o = http::object_with_fields(req.json, {"limit_pence", "starts_on", "ends_on", "approved_by"});
                  if (!o) return http::error_response(o.err(), req.request_id);
                  auto limit = http::optional_integer(**o, "limit_pence", 1, money::kMaxAmount);
                  if (!limit) return http::error_response(limit.err(), req.request_id);
                  if (!*limit) return http::error_response(http::invalid_field("limit_pence", "is required"), req.request_id);
                  auto starts = http::required_string(**o, "starts_on", 10, 10);
                  auto ends = http::required_string(**o, "ends_on", 10, 10);
                  auto approver = http::optional_string(**o, "approved_by", 200);
                  if (!starts) return http::error_response(starts.err(), req.request_id);
                  if (!ends) return http::error_response(ends.err(), req.request_id);
                  if (!approver) return http::error_response(approver.err(), req.request_id);
                  return reply(req, agreements.add_spend_authority(by(req, p), *id, **limit, *starts, *ends, *approver), 201);
              }, {.body = http::body_kind::json});
    guard.add("GET", "/v1/dps/{dps_id}/spend-authorities", {.roles = {role::finance, role::tenant_admin, role::commissioner, role::auditor}},
              [&agreements](request& req, const auth::principal& p) {
                  auto id = http::id_param(req.param("dps_id"));
                  if (!id) return http::error_response(id.err(), req.request_id);
                  return reply_list(req, agreements.spend_authorities(by(req, p), *id));
              });
}

} // namespace dps::purchasing
