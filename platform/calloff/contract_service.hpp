// Call-off contracts after award: variations and extensions (an award of kind "variation" or
// "extension" through the council's approval_route hook, applied to the contract on the last
// approval within the spend authority), annual uplifts from the council's rate_uplift hook (an
// audited act, on or after the uplift date, once per date), block arrangements (guaranteed hours
// for a discount capped by max_block_discount_percent), and contracts ending after their end date.
//
// The value routed and recorded for a variation or extension is the contract's new total value
// (see contract_terms.hpp): a scheme of delegation delegates "the award, variation or extension of
// any single call-off up to" a sum, so the call-off as varied is what must fit the delegation, and
// a contract cannot climb past a threshold in small steps. The hook also receives the previous
// value and the change, for a council whose scheme routes by the increase alone. Spend authority
// is checked for the increase only (the previous value is committed already).
#pragma once

#include "calloff/calloff_records.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "db/database_url.hpp"
#include "identity/identity_service.hpp"
#include "plugins/plugin_types.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <vector>

namespace soci { class session; }
namespace dps::db { class database; }
namespace dps::plugins { class plugin_host; }

namespace dps::calloff {

struct variation_input {
    std::optional<std::int64_t> hourly_rate_pence, hours_per_week, weekly_cost_pence;
    std::optional<std::int64_t> block_guaranteed_hours, block_discount_percent;
    std::optional<std::string> ends_on, effective_on, reason;
};

class contract_service {
public:
    contract_service(db::database& db, const clock& now, plugins::plugin_host& plugins);

    // Proposes a variation or extension of an active contract; 201 with the award to approve.
    result<award> vary(const identity::acting& by, std::int64_t contract_id, const variation_input& input);
    // What the council's rate_uplift hook proposes on `date`, and what applying it would do.
    result<uplift_proposal> uplift(const identity::acting& by, std::int64_t contract_id, const std::string& date);
    // Applies the proposed uplift from `date`: on or after that date, once per date.
    result<contract> apply_uplift(const identity::acting& by, std::int64_t contract_id, const std::string& date);

    // Active contracts past their end date become "ended" (as "system"); run before contracts are read.
    status settle();

private:

    db::database& db_;
    const clock& clock_;
    plugins::plugin_host& plugins_;
};

// What the council's plugin says an award, variation or extension with these facts needs: its
// approval route (default: one budget holder) and the spend authority it declares (if any).
struct approval_plan {
    std::vector<plugins::approval_step> route;
    std::optional<plugins::spend_authority> authority;
};
result<approval_plan> approval_terms(const plugins::plugin_host& plugins, const std::string& slug, const boost::json::object& facts);

// The largest block discount the council allows (its max_block_discount_percent hook; 0 without a plugin).
result<int> block_discount_limit(const plugins::plugin_host& plugins, const std::string& slug);

// A block arrangement: guaranteed hours (1 to the hours a week) on an hourly contract, with a discount
// of at most `max_percent` (422 block_discount_above_maximum above it).
status check_block(std::optional<std::int64_t> guaranteed_hours, std::optional<std::int64_t> discount_percent,
                   std::optional<std::int64_t> hours_per_week, bool hourly, int max_percent);

// The last approval of a variation or extension, in the approval's transaction (the caller holds
// the council's tenant row): applies the change to the contract within the spend authority.
status apply_approved_change(soci::session& sql, db::backend kind, const award& a, const call_off& c,
                             const std::optional<plugins::spend_authority>& declared, const identity::acting& by,
                             const clock& now);
// A rejected variation or extension: the contract stays as it was.
status reject_change(soci::session& sql, const award& a, const call_off& c, const std::optional<std::string>& comment,
                   const identity::acting& by, const clock& now);

} // namespace dps::calloff
