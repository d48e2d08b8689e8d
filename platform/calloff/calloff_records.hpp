// Values of stage two: call-offs, bids, awards with their approvals, contracts and spot purchases.
#pragma once

#include "calloff/states.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dps::calloff {

// A call-off's one negotiation round. The calling council sees the shortlisted bids; a provider
// only whether its own bid is on the list.
struct negotiation {
    std::int64_t id = 0;
    std::string bafo_deadline, opened_by, opened_at;
    std::vector<std::int64_t> shortlisted_bid_ids; // the council's view
    std::optional<bool> shortlisted;                // a provider's view
};

struct call_off {
    std::int64_t id = 0, dps_id = 0, lot_id = 0, lead_tenant_id = 0, tenant_id = 0;
    std::string lot_code, title;
    boost::json::object package, weights;
    std::string starts_on;
    std::int64_t duration_weeks = 0;
    std::string bid_deadline;
    call_off_status status = call_off_status::draft;
    std::optional<std::string> published_at;
    std::string created_at, updated_at;
    std::optional<std::int64_t> bids_received; // for the calling council: how many live bids (sealed or not)
    std::optional<negotiation> negotiation_round; // filled when one call-off is read
};

// One move in a call-off's decision history (call_off_decisions).
struct decision {
    std::int64_t id = 0, entity_id = 0;
    std::string entity_type, action;
    std::optional<std::string> from_status;
    std::string to_status;
    std::optional<std::string> reason;
    std::string actor, decided_at;
};

struct bid {
    std::int64_t id = 0, call_off_id = 0, tenant_id = 0, provider_org_id = 0;
    std::string provider_name;
    std::optional<std::int64_t> hourly_rate_pence, hours_per_week, weekly_cost_pence;
    std::int64_t total_pence = 0;
    std::string earliest_start, notes;
    bid_status status = bid_status::submitted;
    std::optional<double> score;
    std::optional<std::int64_t> rank;
    std::string submitted_at, updated_at;
};

struct approval {
    std::int64_t id = 0, step = 0;
    std::string authority;
    std::vector<std::string> in_consultation_with;
    approval_status status = approval_status::pending;
    std::optional<std::string> decided_by, comment, decided_at;
};

struct award {
    std::int64_t id = 0, call_off_id = 0, tenant_id = 0, bid_id = 0, provider_org_id = 0;
    std::string kind;
    std::optional<std::int64_t> contract_id;
    std::int64_t value_pence = 0;
    award_status status = award_status::pending;
    std::string proposed_by, created_at;
    std::optional<std::string> decided_at;
    std::vector<approval> approvals;
    std::optional<std::int64_t> block_guaranteed_hours, block_discount_percent; // a block arrangement proposed with the award
};

// One change to a contract's terms: a variation or extension (with the award carrying its
// approvals), or an annual uplift. Before and after, so the history reads on its own.
struct contract_change {
    std::int64_t id = 0, contract_id = 0;
    std::optional<std::int64_t> award_id;
    std::string kind;
    change_status status = change_status::pending;
    std::string effective_on;
    std::optional<std::int64_t> hourly_rate_before, hourly_rate_after, hours_before, hours_after, weekly_cost_before,
        weekly_cost_after, block_hours_before, block_hours_after, block_discount_before, block_discount_after;
    std::string ends_on_before, ends_on_after;
    std::int64_t value_before_pence = 0, value_after_pence = 0;
    std::optional<std::string> reason;
    std::string requested_by, created_at;
    std::optional<std::string> decided_at;
};

struct contract {
    std::int64_t id = 0, call_off_id = 0, award_id = 0, dps_id = 0, lot_id = 0, tenant_id = 0, provider_org_id = 0;
    std::string provider_name;
    std::optional<std::int64_t> hourly_rate_pence, hours_per_week, weekly_cost_pence;
    std::string starts_on, ends_on;
    std::int64_t value_pence = 0;
    contract_status status = contract_status::active;
    std::string created_at, updated_at;
    std::optional<std::int64_t> block_guaranteed_hours, block_discount_percent;
    std::string lot_code;
    std::optional<std::vector<contract_change>> changes; // filled when one contract is read
};

// What the council's rate_uplift hook proposes for a contract on a date, and what applying it would do.
struct uplift_proposal {
    std::int64_t contract_id = 0;
    std::string date;
    std::int64_t current_rate_pence = 0, proposed_rate_pence = 0, value_pence = 0, proposed_value_pence = 0;
    bool due = false;     // the hook proposes a different rate
    bool applied = false; // an uplift for this date is already applied
};

// The placement a council bought outside the DPS when a call-off closed unfilled: a record of its
// own, read back with where it sits (DPS, lot, the call-off it closed) for reports and the lead.
struct spot_purchase {
    std::int64_t id = 0, call_off_id = 0, tenant_id = 0;
    std::string provider_name;
    std::optional<std::int64_t> hourly_rate_pence, hours_per_week;
    std::int64_t cost_pence = 0;
    std::string recorded_at;
    std::optional<std::string> reason;
    std::int64_t dps_id = 0, lot_id = 0, lead_tenant_id = 0;
    std::string lot_code, call_off_title;
};

// Which spot purchases a council lists: its own, or as the lead every partner's on one of its DPSs.
struct spot_filter {
    std::int64_t viewer_tenant_id = 0;
    std::optional<std::int64_t> dps_id;
    std::optional<std::string> lot_code, provider_contains;
    std::optional<std::string> from, to; // recorded_at in [from, to): a financial year's instants
};

// The sealed view of a call-off's bids before its deadline: only how many.
struct bid_list {
    bool sealed = true;
    std::int64_t count = 0;
    std::vector<bid> bids; // empty while sealed
};

boost::json::value to_json(const call_off& c);
boost::json::value to_json(const bid& b);
boost::json::value to_json(const award& a);
boost::json::value to_json(const contract& c);
boost::json::value to_json(const spot_purchase& s);
boost::json::value to_json(const contract_change& c);
boost::json::value to_json(const uplift_proposal& u);
boost::json::value to_json(const bid_list& l);
boost::json::value to_json(const negotiation& n);
boost::json::value to_json(const decision& d);

} // namespace dps::calloff
