// The call-off module's SQL for awards (an award, or a contract's variation or extension, which
// are awards too) and their ordered approval steps.
#pragma once

#include "calloff/calloff_records.hpp"
#include "core/clock.hpp"
#include "identity/acting_for.hpp"
#include "plugins/plugin_types.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace soci { class session; }

namespace dps::calloff::store {

// The award with its approvals in step order; `lock` (lock_rows) holds the award's row until commit.
std::optional<award> load_award(soci::session& sql, std::int64_t id, const char* lock = "");

// Inserts a pending award and its ordered approvals, one per step of the route.
struct new_award {
    std::int64_t call_off_id = 0, tenant_id = 0, bid_id = 0, provider_org_id = 0;
    std::string kind;
    std::optional<std::int64_t> contract_id;
    std::int64_t value_pence = 0;
    std::optional<std::int64_t> block_guaranteed_hours, block_discount_percent;
};
std::int64_t insert_award(soci::session& sql, const new_award& a, const std::vector<plugins::approval_step>& route,
                          const identity::acting& by, const clock& now);
// The caller took `status` from the award lifecycle table.
void set_award_status(soci::session& sql, std::int64_t award_id, award_status status, const std::string& at);
// One approval step decided (status from the approval lifecycle table), by whom, with any comment.
void decide_approval(soci::session& sql, std::int64_t approval_id, approval_status status, const std::string& decided_by,
                     const std::optional<std::string>& comment, const std::string& at);
// The bid an award is for, and the council whose award it is (for the access guard).
std::optional<std::int64_t> award_bid(soci::session& sql, std::int64_t award_id);
std::optional<std::int64_t> award_tenant(soci::session& sql, std::int64_t award_id);

} // namespace dps::calloff::store
