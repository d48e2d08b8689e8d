// JSON shapes of stage two's values, as the API returns them.
#include "calloff/calloff_records.hpp"

#include "calloff/contract_terms.hpp"

#include <boost/json.hpp>

namespace dps::calloff {
namespace {

boost::json::value opt(const std::optional<std::string>& v) { return v ? boost::json::value(*v) : boost::json::value(nullptr); }
boost::json::value opt(const std::optional<std::int64_t>& v) { return v ? boost::json::value(*v) : boost::json::value(nullptr); }

} // namespace

boost::json::value to_json(const call_off& c)
{
    boost::json::object o{{"id", c.id}, {"dps_id", c.dps_id}, {"lot_code", c.lot_code}, {"lead_tenant_id", c.lead_tenant_id},
                          {"tenant_id", c.tenant_id}, {"title", c.title}, {"package", c.package}, {"weights", c.weights},
                          {"starts_on", c.starts_on}, {"duration_weeks", c.duration_weeks}, {"bid_deadline", c.bid_deadline},
                          {"status", to_text(c.status)}, {"published_at", opt(c.published_at)}, {"created_at", c.created_at},
                          {"updated_at", c.updated_at}};
    if (c.bids_received) o["bids_received"] = *c.bids_received;
    if (c.negotiation_round) o["negotiation"] = to_json(*c.negotiation_round);
    return o;
}

boost::json::value to_json(const negotiation& n)
{
    boost::json::object o{{"id", n.id}, {"bafo_deadline", n.bafo_deadline}, {"opened_at", n.opened_at}};
    if (n.shortlisted) {
        o["shortlisted"] = *n.shortlisted;
        return o;
    }
    boost::json::array ids;
    for (auto id : n.shortlisted_bid_ids) ids.emplace_back(id);
    o["opened_by"] = n.opened_by;
    o["shortlisted_bid_ids"] = std::move(ids);
    return o;
}

boost::json::value to_json(const decision& d)
{
    return {{"id", d.id},          {"entity_type", d.entity_type}, {"entity_id", d.entity_id}, {"action", d.action},
            {"from", opt(d.from_status)}, {"to", d.to_status},     {"reason", opt(d.reason)},  {"actor", d.actor},
            {"decided_at", d.decided_at}};
}

boost::json::value to_json(const bid& b)
{
    return {{"id", b.id}, {"call_off_id", b.call_off_id}, {"provider_org_id", b.provider_org_id}, {"provider_name", b.provider_name},
            {"hourly_rate_pence", opt(b.hourly_rate_pence)}, {"hours_per_week", opt(b.hours_per_week)},
            {"weekly_cost_pence", opt(b.weekly_cost_pence)}, {"total_pence", b.total_pence}, {"earliest_start", b.earliest_start},
            {"notes", b.notes}, {"status", to_text(b.status)},
            {"score", b.score ? boost::json::value(*b.score) : boost::json::value(nullptr)}, {"rank", opt(b.rank)},
            {"submitted_at", b.submitted_at}, {"updated_at", b.updated_at}};
}

boost::json::value to_json(const award& a)
{
    boost::json::array steps;
    for (const auto& s : a.approvals) {
        boost::json::array consulted;
        for (const auto& c : s.in_consultation_with) consulted.emplace_back(c);
        steps.push_back({{"step", s.step}, {"authority", s.authority}, {"in_consultation_with", std::move(consulted)},
                         {"status", to_text(s.status)}, {"decided_by", opt(s.decided_by)}, {"comment", opt(s.comment)},
                         {"decided_at", opt(s.decided_at)}});
    }
    return {{"id", a.id}, {"call_off_id", a.call_off_id}, {"tenant_id", a.tenant_id}, {"bid_id", a.bid_id},
            {"provider_org_id", a.provider_org_id}, {"kind", a.kind}, {"contract_id", opt(a.contract_id)},
            {"value_pence", a.value_pence}, {"status", to_text(a.status)}, {"proposed_by", a.proposed_by}, {"created_at", a.created_at},
            {"decided_at", opt(a.decided_at)}, {"approvals", std::move(steps)},
            {"block_guaranteed_hours", opt(a.block_guaranteed_hours)}, {"block_discount_percent", opt(a.block_discount_percent)}};
}

boost::json::value to_json(const contract_change& c)
{
    return {{"id", c.id}, {"contract_id", c.contract_id}, {"award_id", opt(c.award_id)}, {"kind", c.kind}, {"status", to_text(c.status)},
            {"effective_on", c.effective_on},
            {"before", {{"hourly_rate_pence", opt(c.hourly_rate_before)}, {"hours_per_week", opt(c.hours_before)},
                        {"weekly_cost_pence", opt(c.weekly_cost_before)}, {"block_guaranteed_hours", opt(c.block_hours_before)},
                        {"block_discount_percent", opt(c.block_discount_before)}, {"ends_on", c.ends_on_before},
                        {"value_pence", c.value_before_pence}}},
            {"after", {{"hourly_rate_pence", opt(c.hourly_rate_after)}, {"hours_per_week", opt(c.hours_after)},
                       {"weekly_cost_pence", opt(c.weekly_cost_after)}, {"block_guaranteed_hours", opt(c.block_hours_after)},
                       {"block_discount_percent", opt(c.block_discount_after)}, {"ends_on", c.ends_on_after},
                       {"value_pence", c.value_after_pence}}},
            {"change_pence", c.value_after_pence - c.value_before_pence}, {"reason", opt(c.reason)},
            {"requested_by", c.requested_by}, {"created_at", c.created_at}, {"decided_at", opt(c.decided_at)}};
}

boost::json::value to_json(const uplift_proposal& u)
{
    return {{"contract_id", u.contract_id}, {"date", u.date}, {"current_rate_pence", u.current_rate_pence},
            {"proposed_rate_pence", u.proposed_rate_pence}, {"value_pence", u.value_pence},
            {"proposed_value_pence", u.proposed_value_pence}, {"due", u.due}, {"applied", u.applied}};
}

boost::json::value to_json(const contract& c)
{
    boost::json::object o{{"id", c.id}, {"call_off_id", c.call_off_id}, {"award_id", c.award_id}, {"dps_id", c.dps_id}, {"lot_id", c.lot_id},
            {"tenant_id", c.tenant_id}, {"provider_org_id", c.provider_org_id}, {"provider_name", c.provider_name},
            {"hourly_rate_pence", opt(c.hourly_rate_pence)}, {"hours_per_week", opt(c.hours_per_week)},
            {"weekly_cost_pence", opt(c.weekly_cost_pence)}, {"starts_on", c.starts_on}, {"ends_on", c.ends_on},
            {"value_pence", c.value_pence}, {"status", to_text(c.status)}, {"created_at", c.created_at}, {"updated_at", c.updated_at},
            {"lot_code", c.lot_code}, {"block_guaranteed_hours", opt(c.block_guaranteed_hours)},
            {"block_discount_percent", opt(c.block_discount_percent)}};
    // The rate paid: the agreed hourly rate less any block discount.
    o["effective_hourly_rate_pence"] =
        c.hourly_rate_pence ? boost::json::value(discounted_rate(*c.hourly_rate_pence, c.block_discount_percent).value_or(0)) : boost::json::value(nullptr);
    if (c.changes) {
        boost::json::array changes;
        for (const auto& ch : *c.changes) changes.push_back(to_json(ch));
        o["changes"] = std::move(changes);
    }
    return o;
}

boost::json::value to_json(const spot_purchase& s)
{
    return {{"id", s.id}, {"call_off_id", s.call_off_id}, {"tenant_id", s.tenant_id}, {"provider_name", s.provider_name},
            {"hourly_rate_pence", opt(s.hourly_rate_pence)}, {"hours_per_week", opt(s.hours_per_week)}, {"cost_pence", s.cost_pence},
            {"recorded_at", s.recorded_at}, {"reason", opt(s.reason)}, {"dps_id", s.dps_id}, {"lot_id", s.lot_id},
            {"lot_code", s.lot_code}, {"call_off_title", s.call_off_title}, {"lead_tenant_id", s.lead_tenant_id}};
}

boost::json::value to_json(const bid_list& l)
{
    boost::json::array items;
    for (const auto& b : l.bids) items.push_back(to_json(b));
    return {{"sealed", l.sealed}, {"count", l.count}, {"items", std::move(items)}};
}

} // namespace dps::calloff
