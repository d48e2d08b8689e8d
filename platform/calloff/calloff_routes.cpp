// Handlers for /v1/dps/{id}/call-offs, /v1/call-offs…, /v1/bids…, /v1/awards…, /v1/contracts…, and their table.
#include "calloff/calloff_routes.hpp"

#include "auth/access_guard.hpp"
#include "calloff/award_service.hpp"
#include "calloff/calloff_service.hpp"
#include "calloff/contract_service.hpp"
#include "calloff/idempotency.hpp"
#include "core/money.hpp"
#include "http/json_input.hpp"
#include "http/json_io.hpp"
#include "http/query.hpp"
#include "core/clock.hpp"
#include "http/replies.hpp"
#include "identity/acting_for.hpp"
#include "auth/route_table.hpp"

#include <boost/json.hpp>

namespace dps::calloff {
namespace {

using auth::kCouncilRoles, auth::kProviderRoles, auth::role;
using http::reply, http::reply_list, http::request, http::response, http::with_id;
using identity::by;

const std::vector<role>& kCommissioners = auth::kLeadOfficers;
const std::vector<role> kContractManagers{role::tenant_admin, role::commissioner, role::contract_manager};
const std::vector<role> kBidReaders{role::tenant_admin, role::commissioner, role::approver, role::auditor};

// Rates and weekly costs within money's bounds (£1,000 an hour, £50,000 a week): far above any real
// care price, and small enough that no term's value can overflow (issue 15).
result<std::optional<std::int64_t>> optional_pence(const boost::json::object& o, const char* field)
{
    const std::string_view name{field};
    const std::int64_t most = name == "hourly_rate_pence" ? money::kMaxHourlyRate : name == "weekly_cost_pence" ? money::kMaxWeeklyCost : money::kMaxAmount;
    return http::optional_integer(o, field, 1, most);
}

// The bid fields: a rate and hours a week, or a weekly cost; earliest start; notes.
result<bid_input> read_bid(const request& req)
{
    auto o = http::object_with_fields(req.json, {"hourly_rate_pence", "hours_per_week", "weekly_cost_pence", "earliest_start", "notes"});
    if (!o) return o.err();
    bid_input in;
    auto rate = optional_pence(**o, "hourly_rate_pence");
    if (!rate) return rate.err();
    auto hours = http::optional_integer(**o, "hours_per_week", 1, 168);
    if (!hours) return hours.err();
    auto weekly = optional_pence(**o, "weekly_cost_pence");
    if (!weekly) return weekly.err();
    auto start = http::required_string(**o, "earliest_start", 10, 10);
    if (!start) return start.err();
    auto notes = http::optional_string(**o, "notes", 4000);
    if (!notes) return notes.err();
    in.hourly_rate_pence = *rate;
    in.hours_per_week = *hours;
    in.weekly_cost_pence = *weekly;
    in.earliest_start = *start;
    in.notes = notes->value_or("");
    return in;
}

// The negotiation fields: the shortlisted bid ids and the best-and-final-offer deadline.
result<negotiation_input> read_negotiation(const request& req)
{
    auto o = http::object_with_fields(req.json, {"bid_ids", "bafo_deadline"});
    if (!o) return o.err();
    negotiation_input in;
    const auto* list = (*o)->if_contains("bid_ids");
    if (!list || !list->is_array() || list->as_array().empty())
        return http::invalid_field("bid_ids", "a list of the shortlisted bids' ids is required");
    if (list->as_array().size() > 1000) return http::invalid_field("bid_ids", "at most 1000 bids");
    for (const auto& v : list->as_array()) {
        if (!v.is_int64() || v.as_int64() < 1) return http::invalid_field("bid_ids", "each is a bid id");
        in.bid_ids.push_back(v.as_int64());
    }
    auto deadline = http::required_string(**o, "bafo_deadline", 1, 20);
    if (!deadline) return deadline.err();
    in.bafo_deadline = *deadline;
    return in;
}

// The new call-off: lot, title, deadline, the anonymised package and the evaluation weights.
result<new_call_off> read_call_off(const request& req)
{
    auto o = http::object_with_fields(req.json, {"lot_code", "title", "bid_deadline", "package", "weights"});
    if (!o) return o.err();
    new_call_off in;
    for (auto [field, target, max] : {std::tuple{"lot_code", &in.lot_code, 64}, std::tuple{"title", &in.title, 200},
                                      std::tuple{"bid_deadline", &in.bid_deadline, 20}}) {
        auto v = http::required_string(**o, field, 1, static_cast<std::size_t>(max));
        if (!v) return v.err();
        *target = *v;
    }
    const auto* pkg = (*o)->if_contains("package");
    if (!pkg || !pkg->is_object()) return http::invalid_field("package", "the anonymised package is required, as an object");
    in.package = pkg->get_object();
    if (const auto* w = (*o)->if_contains("weights")) {
        if (!w->is_object()) return http::invalid_field("weights", "must be an object");
        in.weights = w->get_object();
    }
    return in;
}

// The spot purchase that closes a call-off unfilled: who, at what rate and hours, the cost and why.
result<spot_input> read_spot(const request& req)
{
    auto o = http::object_with_fields(req.json, {"provider_name", "hourly_rate_pence", "hours_per_week", "cost_pence", "reason"});
    if (!o) return o.err();
    auto name = http::required_string(**o, "provider_name", 1, 200);
    if (!name) return name.err();
    auto rate = optional_pence(**o, "hourly_rate_pence");
    if (!rate) return rate.err();
    auto hours = http::optional_integer(**o, "hours_per_week", 1, 168);
    if (!hours) return hours.err();
    auto cost = optional_pence(**o, "cost_pence");
    if (!cost) return cost.err();
    if (!*cost) return http::invalid_field("cost_pence", "is required");
    auto reason = http::optional_string(**o, "reason", 2000);
    if (!reason) return reason.err();
    return spot_input{*name, *rate, *hours, **cost, *reason};
}

// The award: which bid (default: the one ranked first) and any block arrangement with it.
struct award_request {
    std::optional<std::int64_t> bid_id;
    block_terms block;
};
result<award_request> read_award(const request& req)
{
    auto o = http::object_with_fields(req.json, {"bid_id", "block_guaranteed_hours", "block_discount_percent"});
    if (!o) return o.err();
    auto bid = http::optional_integer(**o, "bid_id", 1, std::numeric_limits<std::int64_t>::max());
    if (!bid) return bid.err();
    auto hours = http::optional_integer(**o, "block_guaranteed_hours", 1, 168);
    if (!hours) return hours.err();
    auto discount = http::optional_integer(**o, "block_discount_percent", 0, 100);
    if (!discount) return discount.err();
    return award_request{*bid, {*hours, *discount}};
}

// The variation fields: new rate, hours or weekly cost, end date, block arrangement, effective date, reason.
result<variation_input> read_variation(const request& req)
{
    auto o = http::object_with_fields(req.json, {"hourly_rate_pence", "hours_per_week", "weekly_cost_pence", "ends_on", "effective_on",
                                                 "block_guaranteed_hours", "block_discount_percent", "reason"});
    if (!o) return o.err();
    variation_input in;
    for (auto [field, target] : {std::pair{"hourly_rate_pence", &in.hourly_rate_pence}, std::pair{"weekly_cost_pence", &in.weekly_cost_pence}}) {
        auto v = optional_pence(**o, field);
        if (!v) return v.err();
        *target = *v;
    }
    for (auto [field, target] : {std::pair{"hours_per_week", &in.hours_per_week}, std::pair{"block_guaranteed_hours", &in.block_guaranteed_hours}}) {
        auto v = http::optional_integer(**o, field, 1, 168);
        if (!v) return v.err();
        *target = *v;
    }
    auto discount = http::optional_integer(**o, "block_discount_percent", 0, 100);
    if (!discount) return discount.err();
    in.block_discount_percent = *discount;
    for (auto [field, target] : {std::pair{"ends_on", &in.ends_on}, std::pair{"effective_on", &in.effective_on}}) {
        auto v = http::optional_string(**o, field, 10);
        if (!v) return v.err();
        *target = *v;
    }
    auto reason = http::optional_string(**o, "reason", 2000);
    if (!reason) return reason.err();
    in.reason = *reason;
    return in;
}

} // namespace

using response = calloff_handlers::response;

response calloff_handlers::create_call_off(request& req, const principal& p)
{
    return with_id(req, "dps_id", [&](std::int64_t dps_id) {
        auto in = read_call_off(req);
        if (!in) return http::error_response(in.err(), req.request_id);
        return reply(req, calloffs_.create(by(req, p), dps_id, *in), 201);
    });
}

response calloff_handlers::list_call_offs(request& req, const principal& p)
{
    auto asked = http::page_of(req.query); // limit (1 to 500, default 100) and after
    if (!asked) return http::error_response(asked.err(), req.request_id);
    return http::reply_page(req, calloffs_.list(by(req, p), *asked));
}

response calloff_handlers::get_call_off(request& req, const principal& p)
{
    return with_id(req, "call_off_id", [&](std::int64_t id) { return reply(req, calloffs_.get(by(req, p), id)); });
}

response calloff_handlers::publish(request& req, const principal& p)
{
    return with_id(req, "call_off_id", [&](std::int64_t id) { return reply(req, calloffs_.publish(by(req, p), id)); });
}

response calloff_handlers::list_bids(request& req, const principal& p)
{
    return with_id(req, "call_off_id", [&](std::int64_t id) { return reply(req, calloffs_.bids(by(req, p), id)); });
}

response calloff_handlers::submit_bid(request& req, const principal& p)
{
    return with_id(req, "call_off_id", [&](std::int64_t id) {
        auto in = read_bid(req);
        if (!in) return http::error_response(in.err(), req.request_id);
        return reply(req, calloffs_.submit_bid(by(req, p), id, *in), 201);
    });
}

response calloff_handlers::get_bid(request& req, const principal& p)
{
    return with_id(req, "bid_id", [&](std::int64_t id) { return reply(req, calloffs_.get_bid(by(req, p), id)); });
}

response calloff_handlers::amend_bid(request& req, const principal& p)
{
    return with_id(req, "bid_id", [&](std::int64_t id) {
        auto in = read_bid(req);
        if (!in) return http::error_response(in.err(), req.request_id);
        return reply(req, calloffs_.amend_bid(by(req, p), id, *in));
    });
}

response calloff_handlers::withdraw_bid(request& req, const principal& p)
{
    return with_id(req, "bid_id", [&](std::int64_t id) { return reply(req, calloffs_.withdraw_bid(by(req, p), id)); });
}

response calloff_handlers::evaluate(request& req, const principal& p)
{
    return with_id(req, "call_off_id", [&](std::int64_t id) { return reply(req, calloffs_.evaluate(by(req, p), id)); });
}

// Filters: dps_id, lot (its code), financial_year (2025: April 2025 to March 2026), provider (part of the name).
response calloff_handlers::list_spot_purchases(request& req, const principal& p)
{
    auto q = http::query_params::parse(req.query, {"dps_id", "lot", "financial_year", "provider"});
    if (!q) return http::error_response(q.err(), req.request_id);
    auto dps_id = q->id("dps_id");
    if (!dps_id) return http::error_response(dps_id.err(), req.request_id);
    auto year = q->integer("financial_year", 2000, 2100);
    if (!year) return http::error_response(year.err(), req.request_id);
    spot_filter f;
    f.dps_id = *dps_id;
    f.lot_code = q->text("lot");
    f.provider_contains = q->text("provider");
    if (*year) {
        const auto fy = financial_year(static_cast<int>(**year));
        f.from = format_timestamp(fy.from);
        f.to = format_timestamp(fy.to);
    }
    return reply_list(req, calloffs_.spot_purchases(by(req, p), f));
}

response calloff_handlers::get_spot_purchase(request& req, const principal& p)
{
    return with_id(req, "spot_purchase_id", [&](std::int64_t id) { return reply(req, calloffs_.spot_purchase_of(by(req, p), id)); });
}

response calloff_handlers::close_unfilled(request& req, const principal& p)
{
    return with_id(req, "call_off_id", [&](std::int64_t id) {
        auto in = read_spot(req);
        if (!in) return http::error_response(in.err(), req.request_id);
        return reply(req, calloffs_.close_unfilled(by(req, p), id, *in), 201);
    });
}

response calloff_handlers::negotiate(request& req, const principal& p)
{
    return with_id(req, "call_off_id", [&](std::int64_t id) {
        auto in = read_negotiation(req);
        if (!in) return http::error_response(in.err(), req.request_id);
        return reply(req, calloffs_.negotiate(by(req, p), id, *in), 201);
    });
}

response calloff_handlers::history(request& req, const principal& p)
{
    return with_id(req, "call_off_id", [&](std::int64_t id) { return reply_list(req, calloffs_.history(by(req, p), id)); });
}

response calloff_handlers::propose_award(request& req, const principal& p)
{
    return with_id(req, "call_off_id", [&](std::int64_t id) {
        auto in = read_award(req);
        if (!in) return http::error_response(in.err(), req.request_id);
        return reply(req, awards_.propose(by(req, p), id, in->bid_id, in->block), 201);
    });
}

response calloff_handlers::get_award(request& req, const principal& p)
{
    return with_id(req, "award_id", [&](std::int64_t id) { return reply(req, awards_.get(by(req, p), id)); });
}

response calloff_handlers::decide_award(request& req, const principal& p)
{
    return with_id(req, "award_id", [&](std::int64_t id) {
        // An approver's decision on the award's current step, and the comment a rejection needs.
        auto in = http::read_word_and_note(req.json, "decision", 16, "comment", 4000);
        if (!in) return http::error_response(in.err(), req.request_id);
        return reply(req, awards_.decide(by(req, p), id, in->word, in->note));
    });
}

response calloff_handlers::list_contracts(request& req, const principal& p)
{
    auto asked = http::page_of(req.query); // limit (1 to 500, default 100) and after
    if (!asked) return http::error_response(asked.err(), req.request_id);
    return http::reply_page(req, awards_.contracts(by(req, p), *asked));
}

response calloff_handlers::get_contract(request& req, const principal& p)
{
    return with_id(req, "contract_id", [&](std::int64_t id) { return reply(req, awards_.get_contract(by(req, p), id)); });
}

response calloff_handlers::vary_contract(request& req, const principal& p)
{
    return with_id(req, "contract_id", [&](std::int64_t id) {
        auto in = read_variation(req);
        if (!in) return http::error_response(in.err(), req.request_id);
        return reply(req, awards_.contract_changes().vary(by(req, p), id, *in), 201);
    });
}

response calloff_handlers::propose_uplift(request& req, const principal& p)
{
    return with_id(req, "contract_id", [&](std::int64_t id) {
        auto q = http::query_params::parse(req.query, {"date"});
        if (!q) return http::error_response(q.err(), req.request_id);
        auto date = q->text("date");
        if (!date) return http::error_response(http::invalid_field("date", "give ?date=YYYY-MM-DD"), req.request_id);
        return reply(req, awards_.contract_changes().uplift(by(req, p), id, *date));
    });
}

response calloff_handlers::apply_uplift(request& req, const principal& p)
{
    return with_id(req, "contract_id", [&](std::int64_t id) {
        auto date = http::only_string(req.json, "date", 10, 10);
        if (!date) return http::error_response(date.err(), req.request_id);
        return reply(req, awards_.contract_changes().apply_uplift(by(req, p), id, *date));
    });
}

namespace {

// The table: {method, path, roles, scope parameter, handler, flags} (auth/route_table.hpp).
// `once`: a creation that honours Idempotency-Key (a retry replays the first answer). A scope
// parameter names the path id whose owner the access guard resolves first.
std::vector<auth::route_row<calloff_handlers>> routes()
{
    using h = calloff_handlers;
    using namespace auth::route_flags;
    return {
        // The lead's or a partner's commissioner: the service checks the partner joined the lot.
        {"POST", "/v1/dps/{dps_id}/call-offs", kCommissioners, nullptr, &h::create_call_off, json | once},
        {"GET", "/v1/call-offs", auth::member_roles(), nullptr, &h::list_call_offs},
        // Providers see a call-off only while admitted to its lot: the service answers 404 to everyone else.
        {"GET", "/v1/call-offs/{call_off_id}", auth::member_roles(), nullptr, &h::get_call_off},
        {"POST", "/v1/call-offs/{call_off_id}/publish", kCommissioners, "call_off_id", &h::publish},
        {"GET", "/v1/call-offs/{call_off_id}/bids", kBidReaders, "call_off_id", &h::list_bids},
        {"POST", "/v1/call-offs/{call_off_id}/bids", kProviderRoles, nullptr, &h::submit_bid, json | once},
        {"GET", "/v1/bids/{bid_id}", kProviderRoles, "bid_id", &h::get_bid},
        {"PATCH", "/v1/bids/{bid_id}", kProviderRoles, "bid_id", &h::amend_bid, json},
        {"POST", "/v1/bids/{bid_id}/withdraw", kProviderRoles, "bid_id", &h::withdraw_bid},
        {"POST", "/v1/call-offs/{call_off_id}/evaluation", kCommissioners, "call_off_id", &h::evaluate},
        {"POST", "/v1/call-offs/{call_off_id}/unfilled", kCommissioners, "call_off_id", &h::close_unfilled, json | once},
        // Read by the council that made it and by the DPS's lead (the service decides which).
        {"GET", "/v1/spot-purchases", kCouncilRoles, nullptr, &h::list_spot_purchases},
        {"GET", "/v1/spot-purchases/{spot_purchase_id}", kCouncilRoles, "spot_purchase_id", &h::get_spot_purchase},
        // The one negotiation round: shortlisted bids make best and final offers until its deadline.
        {"POST", "/v1/call-offs/{call_off_id}/negotiation", kCommissioners, "call_off_id", &h::negotiate, json | once},
        {"GET", "/v1/call-offs/{call_off_id}/history", kCouncilRoles, "call_off_id", &h::history},
        {"POST", "/v1/call-offs/{call_off_id}/award", kCommissioners, "call_off_id", &h::propose_award, json | once},
        {"GET", "/v1/awards/{award_id}", kCouncilRoles, "award_id", &h::get_award},
        // Approvers only; the service checks the caller holds the authority the current step names.
        {"POST", "/v1/awards/{award_id}/approvals", {role::approver}, "award_id", &h::decide_award, json | once},
        {"GET", "/v1/contracts", auth::member_roles(), nullptr, &h::list_contracts},
        {"GET", "/v1/contracts/{contract_id}", auth::member_roles(), "contract_id", &h::get_contract},
        // A variation or extension is an award of its kind: it goes through the council's approval route.
        {"POST", "/v1/contracts/{contract_id}/variations", kContractManagers, "contract_id", &h::vary_contract, json | once},
        {"GET", "/v1/contracts/{contract_id}/uplift", kCouncilRoles, "contract_id", &h::propose_uplift},
        {"POST", "/v1/contracts/{contract_id}/uplift", kContractManagers, "contract_id", &h::apply_uplift, json | once},
    };
}

} // namespace

void add_calloff_routes(auth::access_guard& guard, calloff_service& calloffs, award_service& awards, idempotency& once)
{
    guard.add_resolver("call_off_id", [&calloffs](std::int64_t id, const db::scope& as) { return calloffs.call_off_owner(id, as); });
    guard.add_resolver("bid_id", [&calloffs](std::int64_t id, const db::scope& as) { return calloffs.bid_owner(id, as); });
    guard.add_resolver("spot_purchase_id", [&calloffs](std::int64_t id, const db::scope& as) { return calloffs.spot_purchase_owner(id, as); });
    guard.add_resolver("award_id", [&awards](std::int64_t id, const db::scope& as) { return awards.award_owner(id, as); });
    guard.add_resolver("contract_id", [&awards](std::int64_t id, const db::scope& as) { return awards.contract_owner(id, as); });

    auth::add_route_table(guard, calloff_handlers{calloffs, awards}, routes(), [&once](auth::secured_handler inner) -> auth::secured_handler {
        return [&once, inner = std::move(inner)](request& req, const auth::principal& p) { return once.run(req, p, [&] { return inner(req, p); }); };
    });
}

} // namespace dps::calloff
