// Handlers for /v1/dps/{id}/call-offs, /v1/call-offs…, /v1/bids…, /v1/awards…, /v1/contracts….
#include "calloff/calloff_routes.hpp"

#include "auth/access_guard.hpp"
#include "calloff/award_service.hpp"
#include "calloff/calloff_service.hpp"
#include "calloff/contract_service.hpp"
#include "calloff/idempotency.hpp"
#include "core/money.hpp"
#include "http/json_input.hpp"
#include "http/json_io.hpp"
#include "identity/acting_for.hpp"

#include <boost/json.hpp>

namespace dps::calloff {
namespace {

using auth::role;
using http::request;
using http::response;

using identity::by;

template <class T>
response reply(const request& req, const result<T>& r, int status = 200)
{
    if (!r) return http::error_response(r.err(), req.request_id);
    return http::json_response(status, to_json(*r));
}

template <class T>
response reply_list(const request& req, const result<std::vector<T>>& r)
{
    if (!r) return http::error_response(r.err(), req.request_id);
    boost::json::array items;
    for (const auto& item : *r) items.push_back(to_json(item));
    return http::json_response(200, {{"items", std::move(items)}});
}

const std::vector<role> kCouncilRoles{role::tenant_admin, role::commissioner, role::approver, role::contract_manager, role::finance, role::auditor};
const std::vector<role> kProviderRoles{role::provider_admin, role::bidder};
const std::vector<role> kCommissioners{role::tenant_admin, role::commissioner};
std::vector<role> parties()
{
    auto all = kCouncilRoles;
    all.insert(all.end(), kProviderRoles.begin(), kProviderRoles.end());
    return all;
}

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

// One query parameter's raw value (dates need no decoding).
std::optional<std::string> query_value(const request& req, const std::string& name)
{
    const std::string key = name + "=";
    for (std::size_t pos = 0; pos <= req.query.size();) {
        const auto end = std::min(req.query.find('&', pos), req.query.size());
        if (req.query.compare(pos, key.size(), key) == 0) return req.query.substr(pos + key.size(), end - pos - key.size());
        pos = end + 1;
    }
    return std::nullopt;
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

template <class F>
response with_id(request& req, const char* param, F&& f)
{
    auto id = http::id_param(req.param(param));
    if (!id) return http::error_response(id.err(), req.request_id);
    return f(*id);
}

} // namespace

void add_calloff_routes(auth::access_guard& guard, calloff_service& calloffs, award_service& awards, idempotency& once)
{
    guard.add_resolver("call_off_id", [&calloffs](std::int64_t id, const db::scope& as) { return calloffs.call_off_owner(id, as); });
    guard.add_resolver("bid_id", [&calloffs](std::int64_t id, const db::scope& as) { return calloffs.bid_owner(id, as); });
    guard.add_resolver("award_id", [&awards](std::int64_t id, const db::scope& as) { return awards.award_owner(id, as); });
    guard.add_resolver("contract_id", [&awards](std::int64_t id, const db::scope& as) { return awards.contract_owner(id, as); });

    // The lead's or a partner's commissioner: the service checks the partner joined the lot.
    guard.add("POST", "/v1/dps/{dps_id}/call-offs", {.roles = kCommissioners}, [&calloffs, &once](request& req, const auth::principal& p) {
        return once.run(req, p, [&] {
            return with_id(req, "dps_id", [&](std::int64_t dps_id) {
                auto o = http::object_with_fields(req.json, {"lot_code", "title", "bid_deadline", "package", "weights"});
                if (!o) return http::error_response(o.err(), req.request_id);
                new_call_off in;
                for (auto [field, target, max] : {std::tuple{"lot_code", &in.lot_code, 64}, std::tuple{"title", &in.title, 200},
                                                  std::tuple{"bid_deadline", &in.bid_deadline, 20}}) {
                    auto v = http::required_string(**o, field, 1, static_cast<std::size_t>(max));
                    if (!v) return http::error_response(v.err(), req.request_id);
                    *target = *v;
                }
                const auto* pkg = (*o)->if_contains("package");
                if (!pkg || !pkg->is_object())
                    return http::error_response(http::invalid_field("package", "the anonymised package is required, as an object"), req.request_id);
                in.package = pkg->get_object();
                if (const auto* w = (*o)->if_contains("weights")) {
                    if (!w->is_object()) return http::error_response(http::invalid_field("weights", "must be an object"), req.request_id);
                    in.weights = w->get_object();
                }
                return reply(req, calloffs.create(by(req, p), dps_id, in), 201);
            });
        });
    }, {.body = http::body_kind::json});
    guard.add("GET", "/v1/call-offs", {.roles = parties()}, [&calloffs](request& req, const auth::principal& p) {
        return reply_list(req, calloffs.list(by(req, p)));
    });
    // Providers see a call-off only while admitted to its lot: the service answers 404 to everyone else.
    guard.add("GET", "/v1/call-offs/{call_off_id}", {.roles = parties()}, [&calloffs](request& req, const auth::principal& p) {
        return with_id(req, "call_off_id", [&](std::int64_t id) { return reply(req, calloffs.get(by(req, p), id)); });
    });
    guard.add("POST", "/v1/call-offs/{call_off_id}/publish", {.roles = kCommissioners, .scope_param = "call_off_id"},
              [&calloffs](request& req, const auth::principal& p) {
                  return with_id(req, "call_off_id", [&](std::int64_t id) { return reply(req, calloffs.publish(by(req, p), id)); });
              });
    guard.add("GET", "/v1/call-offs/{call_off_id}/bids",
              {.roles = {role::tenant_admin, role::commissioner, role::approver, role::auditor}, .scope_param = "call_off_id"},
              [&calloffs](request& req, const auth::principal& p) {
                  return with_id(req, "call_off_id", [&](std::int64_t id) { return reply(req, calloffs.bids(by(req, p), id)); });
              });
    guard.add("POST", "/v1/call-offs/{call_off_id}/bids", {.roles = kProviderRoles}, [&calloffs, &once](request& req, const auth::principal& p) {
        return once.run(req, p, [&] {
            return with_id(req, "call_off_id", [&](std::int64_t id) {
                auto in = read_bid(req);
                if (!in) return http::error_response(in.err(), req.request_id);
                return reply(req, calloffs.submit_bid(by(req, p), id, *in), 201);
            });
        });
    }, {.body = http::body_kind::json});
    guard.add("GET", "/v1/bids/{bid_id}", {.roles = kProviderRoles, .scope_param = "bid_id"}, [&calloffs](request& req, const auth::principal& p) {
        return with_id(req, "bid_id", [&](std::int64_t id) { return reply(req, calloffs.get_bid(by(req, p), id)); });
    });
    guard.add("PATCH", "/v1/bids/{bid_id}", {.roles = kProviderRoles, .scope_param = "bid_id"}, [&calloffs](request& req, const auth::principal& p) {
        return with_id(req, "bid_id", [&](std::int64_t id) {
            auto in = read_bid(req);
            if (!in) return http::error_response(in.err(), req.request_id);
            return reply(req, calloffs.amend_bid(by(req, p), id, *in));
        });
    }, {.body = http::body_kind::json});
    guard.add("POST", "/v1/bids/{bid_id}/withdraw", {.roles = kProviderRoles, .scope_param = "bid_id"},
              [&calloffs](request& req, const auth::principal& p) {
                  return with_id(req, "bid_id", [&](std::int64_t id) { return reply(req, calloffs.withdraw_bid(by(req, p), id)); });
              });
    guard.add("POST", "/v1/call-offs/{call_off_id}/evaluation", {.roles = kCommissioners, .scope_param = "call_off_id"},
              [&calloffs](request& req, const auth::principal& p) {
                  return with_id(req, "call_off_id", [&](std::int64_t id) { return reply(req, calloffs.evaluate(by(req, p), id)); });
              });
    guard.add("POST", "/v1/call-offs/{call_off_id}/unfilled", {.roles = kCommissioners, .scope_param = "call_off_id"},
              [&calloffs, &once](request& req, const auth::principal& p) {
                  return once.run(req, p, [&] {
                      return with_id(req, "call_off_id", [&](std::int64_t id) {
                          auto o = http::object_with_fields(req.json, {"provider_name", "hourly_rate_pence", "hours_per_week", "cost_pence", "reason"});
                          if (!o) return http::error_response(o.err(), req.request_id);
                          auto name = http::required_string(**o, "provider_name", 1, 200);
                          if (!name) return http::error_response(name.err(), req.request_id);
                          auto rate = optional_pence(**o, "hourly_rate_pence");
                          if (!rate) return http::error_response(rate.err(), req.request_id);
                          auto hours = http::optional_integer(**o, "hours_per_week", 1, 168);
                          if (!hours) return http::error_response(hours.err(), req.request_id);
                          auto cost = optional_pence(**o, "cost_pence");
                          if (!cost) return http::error_response(cost.err(), req.request_id);
                          if (!*cost) return http::error_response(http::invalid_field("cost_pence", "is required"), req.request_id);
                          auto reason = http::optional_string(**o, "reason", 2000);
                          if (!reason) return http::error_response(reason.err(), req.request_id);
                          spot_input in{*name, *rate, *hours, **cost, *reason};
                          return reply(req, calloffs.close_unfilled(by(req, p), id, in), 201);
                      });
                  });
              }, {.body = http::body_kind::json});
    // The one negotiation round: shortlisted bids make best and final offers until its deadline.
    guard.add("POST", "/v1/call-offs/{call_off_id}/negotiation", {.roles = kCommissioners, .scope_param = "call_off_id"},
              [&calloffs, &once](request& req, const auth::principal& p) {
                  return once.run(req, p, [&] {
                      return with_id(req, "call_off_id", [&](std::int64_t id) {
                          auto in = read_negotiation(req);
                          if (!in) return http::error_response(in.err(), req.request_id);
                          return reply(req, calloffs.negotiate(by(req, p), id, *in), 201);
                      });
                  });
              }, {.body = http::body_kind::json});
    guard.add("GET", "/v1/call-offs/{call_off_id}/history", {.roles = kCouncilRoles, .scope_param = "call_off_id"},
              [&calloffs](request& req, const auth::principal& p) {
                  return with_id(req, "call_off_id", [&](std::int64_t id) { return reply_list(req, calloffs.history(by(req, p), id)); });
              });
    guard.add("POST", "/v1/call-offs/{call_off_id}/award", {.roles = kCommissioners, .scope_param = "call_off_id"},
              [&awards, &once](request& req, const auth::principal& p) {
                  return once.run(req, p, [&] {
                      return with_id(req, "call_off_id", [&](std::int64_t id) {
                          auto o = http::object_with_fields(req.json, {"bid_id", "block_guaranteed_hours", "block_discount_percent"});
                          if (!o) return http::error_response(o.err(), req.request_id);
                          auto bid = http::optional_integer(**o, "bid_id", 1, std::numeric_limits<std::int64_t>::max());
                          if (!bid) return http::error_response(bid.err(), req.request_id);
                          auto hours = http::optional_integer(**o, "block_guaranteed_hours", 1, 168);
                          if (!hours) return http::error_response(hours.err(), req.request_id);
                          auto discount = http::optional_integer(**o, "block_discount_percent", 0, 100);
                          if (!discount) return http::error_response(discount.err(), req.request_id);
                          return reply(req, awards.propose(by(req, p), id, *bid, {*hours, *discount}), 201);
                      });
                  });
              }, {.body = http::body_kind::json});
    guard.add("GET", "/v1/awards/{award_id}", {.roles = kCouncilRoles, .scope_param = "award_id"}, [&awards](request& req, const auth::principal& p) {
        return with_id(req, "award_id", [&](std::int64_t id) { return reply(req, awards.get(by(req, p), id)); });
    });
    // Approvers only; the service checks the caller holds the authority the current step names.
    guard.add("POST", "/v1/awards/{award_id}/approvals", {.roles = {role::approver}, .scope_param = "award_id"},
              [&awards, &once](request& req, const auth::principal& p) {
                  return once.run(req, p, [&] {
                      return with_id(req, "award_id", [&](std::int64_t id) {
                          auto o = http::object_with_fields(req.json, {"decision", "comment"});
                          if (!o) return http::error_response(o.err(), req.request_id);
                          auto decision = http::required_string(**o, "decision", 1, 16);
                          if (!decision) return http::error_response(decision.err(), req.request_id);
                          auto comment = http::optional_string(**o, "comment", 4000);
                          if (!comment) return http::error_response(comment.err(), req.request_id);
                          return reply(req, awards.decide(by(req, p), id, *decision, *comment));
                      });
                  });
              }, {.body = http::body_kind::json});
    guard.add("GET", "/v1/contracts", {.roles = parties()}, [&awards](request& req, const auth::principal& p) {
        return reply_list(req, awards.contracts(by(req, p)));
    });
    guard.add("GET", "/v1/contracts/{contract_id}", {.roles = parties(), .scope_param = "contract_id"},
              [&awards](request& req, const auth::principal& p) {
                  return with_id(req, "contract_id", [&](std::int64_t id) { return reply(req, awards.get_contract(by(req, p), id)); });
              });
    // A variation or extension is an award of its kind: it goes through the council's approval route.
    const std::vector<role> kContractManagers{role::tenant_admin, role::commissioner, role::contract_manager};
    guard.add("POST", "/v1/contracts/{contract_id}/variations", {.roles = kContractManagers, .scope_param = "contract_id"},
              [&awards, &once](request& req, const auth::principal& p) {
                  return once.run(req, p, [&] {
                      return with_id(req, "contract_id", [&](std::int64_t id) {
                          auto in = read_variation(req);
                          if (!in) return http::error_response(in.err(), req.request_id);
                          return reply(req, awards.contract_changes().vary(by(req, p), id, *in), 201);
                      });
                  });
              }, {.body = http::body_kind::json});
    guard.add("GET", "/v1/contracts/{contract_id}/uplift", {.roles = kCouncilRoles, .scope_param = "contract_id"},
              [&awards](request& req, const auth::principal& p) {
                  return with_id(req, "contract_id", [&](std::int64_t id) {
                      auto date = query_value(req, "date");
                      if (!date) return http::error_response(http::invalid_field("date", "give ?date=YYYY-MM-DD"), req.request_id);
                      return reply(req, awards.contract_changes().uplift(by(req, p), id, *date));
                  });
              });
    guard.add("POST", "/v1/contracts/{contract_id}/uplift", {.roles = kContractManagers, .scope_param = "contract_id"},
              [&awards, &once](request& req, const auth::principal& p) {
                  return once.run(req, p, [&] {
                      return with_id(req, "contract_id", [&](std::int64_t id) {
                          auto o = http::object_with_fields(req.json, {"date"});
                          if (!o) return http::error_response(o.err(), req.request_id);
                          auto date = http::required_string(**o, "date", 10, 10);
                          if (!date) return http::error_response(date.err(), req.request_id);
                          return reply(req, awards.contract_changes().apply_uplift(by(req, p), id, *date));
                      });
                  });
              }, {.body = http::body_kind::json});
}

} // namespace dps::calloff
