// Handlers for access agreements (/v1/dps/{id}/agreements, /v1/agreements/…) and spend authorities, and their table.
#include "dps/agreement_routes.hpp"

#include "auth/access_guard.hpp"
#include "core/money.hpp"
#include "dps/agreement_service.hpp"
#include "dps/dps_service.hpp"
#include "http/json_input.hpp"
#include "http/json_io.hpp"
#include "http/replies.hpp"
#include "identity/acting_for.hpp"
#include "auth/route_table.hpp"

#include <boost/json.hpp>

namespace dps::purchasing {
namespace {

using auth::role;
using http::reply, http::reply_list, http::request, http::response, http::with_id;
using identity::by;

// A partner's request for an agreement: the lots it would call off from, and the agreement's term.
struct agreement_request {
    std::vector<std::string> lot_codes;
    std::string starts_on, ends_on;
};
result<agreement_request> read_agreement(const request& req)
{
    auto o = http::object_with_fields(req.json, {"lot_codes", "starts_on", "ends_on"});
    if (!o) return o.err();
    agreement_request in;
    const auto* list = (*o)->if_contains("lot_codes");
    if (!list || !list->is_array()) return http::invalid_field("lot_codes", "a list of lot codes is required");
    for (const auto& c : list->get_array()) {
        if (!c.is_string()) return http::invalid_field("lot_codes", "each lot code is a string");
        in.lot_codes.emplace_back(c.get_string());
    }
    auto starts = http::required_string(**o, "starts_on", 10, 10);
    auto ends = http::required_string(**o, "ends_on", 10, 10);
    if (!starts) return starts.err();
    if (!ends) return ends.err();
    in.starts_on = *starts;
    in.ends_on = *ends;
    return in;
}

// A spend authority: its limit, term and who approved it.
struct spend_request {
    std::int64_t limit_pence = 0;
    std::string starts_on, ends_on;
    std::optional<std::string> approved_by;
};
result<spend_request> read_spend_authority(const request& req)
{
    auto o = http::object_with_fields(req.json, {"limit_pence", "starts_on", "ends_on", "approved_by"});
    if (!o) return o.err();
    auto limit = http::optional_integer(**o, "limit_pence", 1, money::kMaxAmount);
    if (!limit) return limit.err();
    if (!*limit) return http::invalid_field("limit_pence", "is required");
    auto starts = http::required_string(**o, "starts_on", 10, 10);
    auto ends = http::required_string(**o, "ends_on", 10, 10);
    auto approver = http::optional_string(**o, "approved_by", 200);
    if (!starts) return starts.err();
    if (!ends) return ends.err();
    if (!approver) return approver.err();
    return spend_request{**limit, *starts, *ends, *approver};
}

} // namespace

using response = agreement_handlers::response;

response agreement_handlers::request_agreement(request& req, const principal& p)
{
    return with_id(req, "dps_id", [&](std::int64_t id) {
        auto in = read_agreement(req);
        if (!in) return http::error_response(in.err(), req.request_id);
        return reply(req, agreements_.request(by(req, p), id, in->lot_codes, in->starts_on, in->ends_on), 201);
    });
}

response agreement_handlers::list_agreements(request& req, const principal& p)
{
    return with_id(req, "dps_id", [&](std::int64_t id) { return reply_list(req, agreements_.list(by(req, p), id)); });
}

response agreement_handlers::get_agreement(request& req, const principal& p)
{
    return with_id(req, "agreement_id", [&](std::int64_t id) { return reply(req, agreements_.get(by(req, p), id)); });
}

response agreement_handlers::history(request& req, const principal& p)
{
    return with_id(req, "agreement_id", [&](std::int64_t id) { return reply_list(req, dps_.history(by(req, p), "access_agreement", id)); });
}

response agreement_handlers::decide(request& req, const principal& p)
{
    return with_id(req, "agreement_id", [&](std::int64_t id) {
        auto action = http::only_string(req.json, "action", 1, 32);
        if (!action) return http::error_response(action.err(), req.request_id);
        return reply(req, agreements_.decide(by(req, p), id, *action));
    });
}

response agreement_handlers::give_notice(request& req, const principal& p)
{
    return with_id(req, "agreement_id", [&](std::int64_t id) {
        auto given = http::only_string(req.json, "given_on", 10, 10);
        if (!given) return http::error_response(given.err(), req.request_id);
        return reply(req, agreements_.give_notice(by(req, p), id, *given));
    });
}

response agreement_handlers::add_lot(request& req, const principal& p)
{
    return with_id(req, "agreement_id", [&](std::int64_t id) {
        auto code = http::only_string(req.json, "lot_code", 1, 64);
        if (!code) return http::error_response(code.err(), req.request_id);
        return reply(req, agreements_.add_lot(by(req, p), id, *code));
    });
}

response agreement_handlers::drop_lot(request& req, const principal& p)
{
    return with_id(req, "agreement_id", [&](std::int64_t id) { return reply(req, agreements_.drop_lot(by(req, p), id, req.param("lot_code"))); });
}

response agreement_handlers::mark_fee_paid(request& req, const principal& p)
{
    return with_id(req, "agreement_id", [&](std::int64_t id) {
        return with_id(req, "fee_id", [&](std::int64_t fee) {
            auto paid = http::only_string(req.json, "paid_on", 10, 10);
            if (!paid) return http::error_response(paid.err(), req.request_id);
            return reply(req, agreements_.mark_fee_paid(by(req, p), id, fee, *paid));
        });
    });
}

response agreement_handlers::add_spend_authority(request& req, const principal& p)
{
    return with_id(req, "dps_id", [&](std::int64_t id) {
        auto in = read_spend_authority(req);
        if (!in) return http::error_response(in.err(), req.request_id);
        return reply(req, agreements_.add_spend_authority(by(req, p), id, in->limit_pence, in->starts_on, in->ends_on, in->approved_by), 201);
    });
}

response agreement_handlers::list_spend_authorities(request& req, const principal& p)
{
    return with_id(req, "dps_id", [&](std::int64_t id) { return reply_list(req, agreements_.spend_authorities(by(req, p), id)); });
}

namespace {

// The table: {method, path, roles, scope parameter, handler, flags} (auth/route_table.hpp).
std::vector<auth::route_row<agreement_handlers>> routes()
{
    using h = agreement_handlers;
    using namespace auth::route_flags;
    using auth::kCouncilRoles;
    const auto& kOfficers = auth::kLeadOfficers;
    const std::vector<role> kFinance{role::finance, role::tenant_admin};
    return {
        {"POST", "/v1/dps/{dps_id}/agreements", kOfficers, nullptr, &h::request_agreement, json},
        {"GET", "/v1/dps/{dps_id}/agreements", kCouncilRoles, nullptr, &h::list_agreements},
        {"GET", "/v1/agreements/{agreement_id}", kCouncilRoles, "agreement_id", &h::get_agreement},
        {"GET", "/v1/agreements/{agreement_id}/history", kCouncilRoles, "agreement_id", &h::history},
        {"POST", "/v1/agreements/{agreement_id}/decision", kOfficers, "agreement_id", &h::decide, json},
        {"POST", "/v1/agreements/{agreement_id}/notice", kOfficers, "agreement_id", &h::give_notice, json},
        {"POST", "/v1/agreements/{agreement_id}/lots", kOfficers, "agreement_id", &h::add_lot, json},
        {"DELETE", "/v1/agreements/{agreement_id}/lots/{lot_code}", kOfficers, "agreement_id", &h::drop_lot},
        {"POST", "/v1/agreements/{agreement_id}/fees/{fee_id}/paid", kFinance, "agreement_id", &h::mark_fee_paid, json},
        {"POST", "/v1/dps/{dps_id}/spend-authorities", kFinance, nullptr, &h::add_spend_authority, json},
        {"GET", "/v1/dps/{dps_id}/spend-authorities", {role::finance, role::tenant_admin, role::commissioner, role::auditor}, nullptr,
         &h::list_spend_authorities},
    };
}

} // namespace

void add_agreement_routes(auth::access_guard& guard, agreement_service& agreements, dps_service& dps)
{
    guard.add_resolver("agreement_id", [&agreements](std::int64_t id, const db::scope& as) { return agreements.agreement_owner(id, as); });
    auth::add_route_table(guard, agreement_handlers{agreements, dps}, routes());
}

} // namespace dps::purchasing
