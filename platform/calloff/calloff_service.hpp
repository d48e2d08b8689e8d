// Call-offs and their sealed bids: a commissioner (the lead's, or a partner's with a live agreement on
// the lot) drafts an anonymised package and publishes it to the lot's admitted, unsuspended providers;
// they bid, amend or withdraw until the deadline; after it the calling council's score_bid hook ranks
// the bids, or the call-off closes unfilled with the spot purchase made instead. Every move is in
// call_off_decisions and the audit log, in the same transaction as the change.
#pragma once

#include "core/paging.hpp"

#include "calloff/calloff_records.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "identity/identity_service.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <vector>

namespace dps::db { class database; }
namespace dps::plugins { class plugin_host; }
namespace dps::auth { struct owner; }

namespace dps::calloff {

struct new_call_off {
    std::string lot_code, title, bid_deadline; // deadline: 'YYYY-MM-DDTHH:MM:SSZ'
    boost::json::object package, weights;
};

struct bid_input {
    std::optional<std::int64_t> hourly_rate_pence, hours_per_week, weekly_cost_pence;
    std::string earliest_start, notes;
};

// A negotiation round: the bids shortlisted for best and final offers, and their deadline.
struct negotiation_input {
    std::vector<std::int64_t> bid_ids;
    std::string bafo_deadline; // 'YYYY-MM-DDTHH:MM:SSZ'
};

struct spot_input {
    std::string provider_name;
    std::optional<std::int64_t> hourly_rate_pence, hours_per_week;
    std::int64_t cost_pence = 0;
    std::optional<std::string> reason;
};

class calloff_service {
public:
    calloff_service(db::database& db, const clock& now, plugins::plugin_host& plugins);

    result<call_off> create(const identity::acting& by, std::int64_t dps_id, const new_call_off& input);
    result<call_off> publish(const identity::acting& by, std::int64_t call_off_id);
    // A page of the council's own call-offs, or of the open ones a provider may bid on, in id order.
    result<page<call_off>> list(const identity::acting& by, const page_request& asked);
    result<call_off> get(const identity::acting& by, std::int64_t call_off_id);

    result<bid> submit_bid(const identity::acting& by, std::int64_t call_off_id, const bid_input& input);
    result<bid> amend_bid(const identity::acting& by, std::int64_t bid_id, const bid_input& input);
    result<bid> withdraw_bid(const identity::acting& by, std::int64_t bid_id);
    result<bid> get_bid(const identity::acting& by, std::int64_t bid_id);
    // Before the deadline the calling council sees how many bids arrived, not what they say.
    result<bid_list> bids(const identity::acting& by, std::int64_t call_off_id);

    // After the deadline: scores every live bid with the council's score_bid hook and ranks them.
    result<bid_list> evaluate(const identity::acting& by, std::int64_t call_off_id);
    result<spot_purchase> close_unfilled(const identity::acting& by, std::int64_t call_off_id, const spot_input& input);
    // A spot purchase, for the council that made it or the lead of the DPS it was called off from
    // (read-only). The list: the caller's own and, on the DPSs it leads, its partners'.
    result<spot_purchase> spot_purchase_of(const identity::acting& by, std::int64_t spot_purchase_id);
    result<std::vector<spot_purchase>> spot_purchases(const identity::acting& by, spot_filter filter);
    // After evaluation, once per call-off: only the shortlisted bids may be amended (best and final
    // offers, sealed) until the round's deadline; then evaluation scores them again.
    result<call_off> negotiate(const identity::acting& by, std::int64_t call_off_id, const negotiation_input& input);
    // Every move of the call-off, its bids, awards and contract, oldest first: the calling council's.
    result<std::vector<decision>> history(const identity::acting& by, std::int64_t call_off_id);

    // Owners for the access guard: the calling council.
    result<std::optional<auth::owner>> call_off_owner(std::int64_t call_off_id, const db::scope& as);
    result<std::optional<auth::owner>> bid_owner(std::int64_t bid_id, const db::scope& as);
    // A spot purchase's two councils: the one that made it, and the lead of the DPS (who reads it).
    result<std::optional<auth::owner>> spot_purchase_owner(std::int64_t spot_purchase_id, const db::scope& as);

private:

    db::database& db_;
    const clock& clock_;
    plugins::plugin_host& plugins_;
};

} // namespace dps::calloff
