// Spot purchases: the placement a council buys outside the DPS when a call-off closes unfilled,
// recorded with the call-off's move, and read back by that council and by the DPS's lead.
#include "calloff/calloff_service.hpp"

#include "auth/access_guard.hpp"
#include "calloff/bid_store.hpp"
#include "calloff/calloff_store.hpp"
#include "calloff/lifecycles.hpp"
#include "db/database.hpp"
#include "dps/dps_service.hpp"
#include "dps/dps_store.hpp"

#include <soci/soci.h>

namespace dps::calloff {

using identity::acting;
using namespace store;

result<spot_purchase> calloff_service::close_unfilled(const acting& by, std::int64_t call_off_id, const spot_input& in)
{
    if (in.provider_name.empty() || in.provider_name.size() > 200) return invalid("provider_name", "1 to 200 characters");
    if (in.cost_pence <= 0) return invalid("cost_pence", "the spot purchase's cost in pence is required");
    return db_.transact_value<spot_purchase>(by.data_scope(), [&](soci::session& sql) -> result<spot_purchase> {
        auto c = load_call_off(sql, call_off_id, lock_rows(db_.kind()));
        if (!c || by.council() != c->tenant_id) return not_found("call-off");
        const std::string at = format_timestamp(clock_.now());
        if (c->status == call_off_status::open && at < c->bid_deadline)
            return conflict("bids_sealed", "a call-off open for bids closes unfilled only after its deadline " + c->bid_deadline);
        if (c->status == call_off_status::negotiating)
            if (auto n = load_negotiation(sql, c->id); bids_sealed(*c, n, at))
                return conflict("bids_sealed", "a call-off in negotiation closes unfilled only after the best and final offers are in, at " +
                                                   (n ? n->bafo_deadline : c->bid_deadline));
        auto to = next_state(c->status, call_off_action::close_unfilled);
        if (!to) return to.err();
        spot_purchase spot{0, c->id, c->tenant_id, in.provider_name, in.hourly_rate_pence, in.hours_per_week, in.cost_pence, at, in.reason};
        spot.id = insert_spot_purchase(sql, spot);
        for (const auto& b : live_bids(sql, c->id)) {
            auto bid_to = next_state(b.status, bid_action::lose);
            if (!bid_to) return bid_to.err();
            set_bid_status(sql, b.id, *bid_to, at);
            record(sql, *c, {b.provider_org_id, "bid", b.id, "lose", b.status, *bid_to, std::string{"the call-off closed unfilled"}}, by, clock_);
        }
        move_call_off(sql, *c, call_off_action::close_unfilled, *to, in.reason.value_or("spot purchase from " + in.provider_name), by, clock_);
        record(sql, *c, {std::nullopt, "spot_purchase", spot.id, "record", std::nullopt, "recorded", std::nullopt}, by, clock_);
        return *load_spot_purchase(sql, spot.id);
    });
}

result<spot_purchase> calloff_service::spot_purchase_of(const acting& by, std::int64_t spot_purchase_id)
{
    if (!by.council()) return not_found("spot purchase");
    return db_.read_value<spot_purchase>(by.data_scope(), [&](soci::session& sql) -> result<spot_purchase> {
        auto s = load_spot_purchase(sql, spot_purchase_id);
        const std::int64_t me = *by.caller->tenant_id;
        if (!s || (s->tenant_id != me && s->lead_tenant_id != me)) return not_found("spot purchase");
        return *s;
    });
}

result<std::vector<spot_purchase>> calloff_service::spot_purchases(const acting& by, spot_filter filter)
{
    if (!by.council()) return forbidden("spot purchases are the councils' records");
    filter.viewer_tenant_id = *by.caller->tenant_id;
    return db_.read_value<std::vector<spot_purchase>>(by.data_scope(), [&](soci::session& sql) -> result<std::vector<spot_purchase>> {
        // Another council's DPS: nothing of it to list, rather than an empty answer that looks like one.
        if (filter.dps_id) {
            auto d = purchasing::store::load_dps(sql, *filter.dps_id);
            if (!d || !purchasing::visible_to(*d, by)) return not_found("DPS");
        }
        return list_spot_purchases(sql, filter);
    });
}

result<std::optional<auth::owner>> calloff_service::spot_purchase_owner(std::int64_t spot_purchase_id, const db::scope& as)
{
    return db_.read_value<std::optional<auth::owner>>(as, [&](soci::session& sql) -> result<std::optional<auth::owner>> {
        auto s = load_spot_purchase(sql, spot_purchase_id);
        if (!s) return std::optional<auth::owner>{};
        return std::optional<auth::owner>{auth::owner{s->tenant_id, std::nullopt, std::nullopt, s->lead_tenant_id}};
    });
}

} // namespace dps::calloff
