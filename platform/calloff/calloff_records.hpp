// Values of stage two: call-offs, bids, awards with their approvals, contracts and spot purchases.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dps::calloff {

struct call_off {
    std::int64_t id = 0, dps_id = 0, lot_id = 0, lead_tenant_id = 0, tenant_id = 0;
    std::string lot_code, title;
    boost::json::object package, weights;
    std::string starts_on;
    std::int64_t duration_weeks = 0;
    std::string bid_deadline, status;
    std::optional<std::string> published_at;
    std::string created_at, updated_at;
    std::optional<std::int64_t> bids_received; // for the calling council: how many live bids (sealed or not)
};

struct bid {
    std::int64_t id = 0, call_off_id = 0, tenant_id = 0, provider_org_id = 0;
    std::string provider_name;
    std::optional<std::int64_t> hourly_rate_pence, hours_per_week, weekly_cost_pence;
    std::int64_t total_pence = 0;
    std::string earliest_start, notes, status;
    std::optional<double> score;
    std::optional<std::int64_t> rank;
    std::string submitted_at, updated_at;
};

struct approval {
    std::int64_t id = 0, step = 0;
    std::string authority;
    std::vector<std::string> in_consultation_with;
    std::string status;
    std::optional<std::string> decided_by, comment, decided_at;
};

struct award {
    std::int64_t id = 0, call_off_id = 0, tenant_id = 0, bid_id = 0, provider_org_id = 0;
    std::string kind;
    std::optional<std::int64_t> contract_id;
    std::int64_t value_pence = 0;
    std::string status, proposed_by, created_at;
    std::optional<std::string> decided_at;
    std::vector<approval> approvals;
};

struct contract {
    std::int64_t id = 0, call_off_id = 0, award_id = 0, dps_id = 0, lot_id = 0, tenant_id = 0, provider_org_id = 0;
    std::string provider_name;
    std::optional<std::int64_t> hourly_rate_pence, hours_per_week, weekly_cost_pence;
    std::string starts_on, ends_on;
    std::int64_t value_pence = 0;
    std::string status, created_at, updated_at;
};

struct spot_purchase {
    std::int64_t id = 0, call_off_id = 0, tenant_id = 0;
    std::string provider_name;
    std::optional<std::int64_t> hourly_rate_pence, hours_per_week;
    std::int64_t cost_pence = 0;
    std::string recorded_at;
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
boost::json::value to_json(const bid_list& l);

} // namespace dps::calloff
