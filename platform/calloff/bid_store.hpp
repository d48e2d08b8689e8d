// The call-off module's SQL for bids: the only place bids are read and written.
#pragma once

#include "calloff/calloff_records.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace soci { class session; }

namespace dps::calloff::store {

std::optional<bid> load_bid(soci::session& sql, std::int64_t id);
// The call-off's bids that are not withdrawn, by rank then id.
std::vector<bid> live_bids(soci::session& sql, std::int64_t call_off_id);
std::int64_t count_live_bids(soci::session& sql, std::int64_t call_off_id);
// One live bid per provider per call-off.
bool has_live_bid(soci::session& sql, std::int64_t call_off_id, std::int64_t provider_org_id);
// A submitted bid: call-off, tenant, provider, its price, earliest start, notes and submitted_at.
std::int64_t insert_bid(soci::session& sql, const bid& b);
// The bid's price, earliest start and notes as `b` has them, updated at `b.updated_at`.
void update_bid_offer(soci::session& sql, const bid& b);
// The caller took `status` from the bid lifecycle table.
void set_bid_status(soci::session& sql, std::int64_t bid_id, bid_status status, const std::string& at);
// Evaluation: a score from the council's rule and the rank; a bid not scored again keeps its score.
void set_bid_rank(soci::session& sql, std::int64_t bid_id, std::optional<double> score, std::int64_t rank);
// The bidding provider, for the access guard.
std::optional<std::int64_t> bid_provider(soci::session& sql, std::int64_t bid_id);

} // namespace dps::calloff::store
