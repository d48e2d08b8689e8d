// Access agreements: a partner council asks to join a lead's DPS for named lots; the lead accepts
// (fees per lot from the lead's annual_fee hook, a fee schedule per agreement year) or declines;
// either gives notice (period from the lead's termination_notice hook); lots can be added or
// dropped; the partner records its spend authority. Moves follow dps/lifecycles.cpp.
#pragma once

#include "auth/access_guard.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "dps/agreement_records.hpp"
#include "identity/identity_service.hpp"

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <vector>

namespace dps::db { class database; }
namespace dps::plugins { class plugin_host; }

namespace dps::purchasing {

class agreement_service {
public:
    agreement_service(db::database& db, const clock& now, plugins::plugin_host& plugins);

    result<access_agreement> request(const identity::acting& by, std::int64_t dps_id, const std::vector<std::string>& lot_codes,
                                     const std::string& starts_on, const std::string& ends_on);
    result<access_agreement> decide(const identity::acting& by, std::int64_t agreement_id, const std::string& action);
    result<access_agreement> give_notice(const identity::acting& by, std::int64_t agreement_id, const std::string& given_on);
    result<access_agreement> add_lot(const identity::acting& by, std::int64_t agreement_id, const std::string& lot_code);
    result<access_agreement> drop_lot(const identity::acting& by, std::int64_t agreement_id, const std::string& lot_code);
    result<access_agreement> mark_fee_paid(const identity::acting& by, std::int64_t agreement_id, std::int64_t fee_id,
                                           const std::string& paid_on);
    result<access_agreement> get(const identity::acting& by, std::int64_t agreement_id);
    result<std::vector<access_agreement>> list(const identity::acting& by, std::int64_t dps_id);

    result<spend_authority> add_spend_authority(const identity::acting& by, std::int64_t dps_id, std::int64_t limit_pence,
                                                const std::string& starts_on, const std::string& ends_on,
                                                const std::optional<std::string>& approved_by);
    result<std::vector<spend_authority>> spend_authorities(const identity::acting& by, std::int64_t dps_id);

    result<std::optional<auth::owner>> agreement_owner(std::int64_t agreement_id, const db::scope& as);

private:
    // Agreements whose notice has run out (or whose term has ended) become terminated, as "system".
    status settle();
    result<std::int64_t> fee_for(const std::string& lead_slug, const std::string& partner_slug, const std::string& lot_code,
                                 const std::string& lot_name, const std::string& starts_on, const std::string& ends_on);

    db::database& db_;
    const clock& clock_;
    plugins::plugin_host& plugins_;
};

} // namespace dps::purchasing
