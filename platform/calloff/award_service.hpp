// Awards and the contracts they become: a commissioner proposes the best-ranked (or a named) bid;
// the calling council's approval_route hook gives the ordered approvals its value needs; approvers
// holding each named authority approve or reject in order; when the last approves, the council's
// spend authority is checked under a lock and the award becomes a call-off contract. Exactly one
// live award per call-off (a unique index and a row lock), whoever presses award at once.
#pragma once

#include "core/paging.hpp"

#include "calloff/calloff_records.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "identity/identity_service.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dps::db { class database; }
namespace dps::plugins { class plugin_host; }
namespace dps::auth { struct owner; }

namespace dps::calloff {

class contract_service;

// A block arrangement proposed with an award: guaranteed hours a week for a discount off the rate.
struct block_terms {
    std::optional<std::int64_t> guaranteed_hours, discount_percent;
};

class award_service {
public:
    award_service(db::database& db, const clock& now, plugins::plugin_host& plugins);
    ~award_service();

    result<award> propose(const identity::acting& by, std::int64_t call_off_id, std::optional<std::int64_t> bid_id,
                          const block_terms& block = {});
    // decision: "approve" or "reject"; the caller must hold the current step's authority.
    result<award> decide(const identity::acting& by, std::int64_t award_id, const std::string& decision,
                         const std::optional<std::string>& comment);
    result<award> get(const identity::acting& by, std::int64_t award_id);

    // A keyset page of the council's or the provider's contracts.
    result<page<contract>> contracts(const identity::acting& by, const page_request& asked);
    result<contract> get_contract(const identity::acting& by, std::int64_t contract_id);

    result<std::optional<auth::owner>> award_owner(std::int64_t award_id, const db::scope& as);
    result<std::optional<auth::owner>> contract_owner(std::int64_t contract_id, const db::scope& as);

    // Variations, extensions and uplifts of this service's contracts. Owned here because the
    // application constructs only this service; the last approval of a variation applies it.
    contract_service& contract_changes();

private:

    db::database& db_;
    const clock& clock_;
    plugins::plugin_host& plugins_;
    std::unique_ptr<contract_service> changes_;
};

} // namespace dps::calloff
