// The lead's DPS and its lots, providers' profiles and applications, and the lead's decisions on
// them. Each lifecycle move follows dps/lifecycles.cpp, is recorded in dps_decisions, and audited,
// in the same transaction as the change.
#pragma once

#include "auth/access_guard.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "dps/dps_records.hpp"
#include "identity/identity_service.hpp"

#include <optional>
#include <string>
#include <vector>

namespace dps::db { class database; }
namespace soci { class session; }
namespace dps::plugins { class plugin_host; }

namespace dps::purchasing {

struct new_dps {
    std::string title, category, regime, term_starts_on, term_ends_on, latest_end_on;
};

struct decision_input {
    std::string action;                      // admit, reject, suspend, reinstate, remove, withdraw
    std::optional<std::string> reason;       // required to reject, suspend, remove
    std::optional<std::string> evidence_required;
    std::optional<std::string> effective_on; // a suspension's start date (default today)
};

class dps_service {
public:
    dps_service(db::database& db, const clock& now, plugins::plugin_host& plugins);

    result<dps_system> create(const identity::acting& by, const new_dps& input);
    result<std::vector<dps_system>> list(const identity::acting& by);
    result<dps_system> get(const identity::acting& by, std::int64_t dps_id);
    result<dps_system> change_status(const identity::acting& by, std::int64_t dps_id, const std::string& action,
                                     const std::optional<std::string>& reason);
    result<dps_system> extend(const identity::acting& by, std::int64_t dps_id, const std::string& new_end);

    result<lot> add_lot(const identity::acting& by, std::int64_t dps_id, lot input);
    result<std::vector<lot>> import_plugin_lots(const identity::acting& by, std::int64_t dps_id);
    result<std::vector<lot>> lots(const identity::acting& by, std::int64_t dps_id);

    result<provider_profile> profile(const identity::acting& by, std::int64_t provider_id);
    result<provider_profile> update_profile(const identity::acting& by, std::int64_t provider_id, const boost::json::object& fields);

    // Applications (dps/applications.cpp). A provider applies to one lot; the lot's requirements
    // (dps/eligibility.hpp) and the lead's `eligible` hook are checked at once: a failed criterion
    // rejects the application with that reason, otherwise the lead decides.
    result<application> apply(const identity::acting& by, std::int64_t dps_id, const std::string& lot_code);
    result<std::vector<application>> applications(const identity::acting& by, std::int64_t dps_id,
                                                  const std::optional<std::string>& status);
    result<application> get_application(const identity::acting& by, std::int64_t application_id);
    result<application> decide(const identity::acting& by, std::int64_t application_id, const decision_input& input);
    result<std::vector<decision>> history(const identity::acting& by, const std::string& entity_type, std::int64_t entity_id);

    // Owners for the access guard.
    result<std::optional<auth::owner>> dps_owner(std::int64_t dps_id, const db::scope& as);
    result<std::optional<auth::owner>> application_owner(std::int64_t application_id, const db::scope& as);

    const clock& time() const { return clock_; }

private:
    // Moves every open or suspended DPS past its term to expired (as "system"), before any read or write.
    status settle();

    db::database& db_;
    const clock& clock_;
    plugins::plugin_host& plugins_;
};

// Shared by the DPS and agreement services: the DPS row, settled for today's date (an open DPS past
// its term becomes expired), or not_found if the caller may not see it.
// What the access-agreement service and the call-off module use of the DPS's rules (its rows they
// read through dps_store.hpp).
void settle_dps(soci::session& sql, dps_system& d, const std::string& today, const identity::acting& by, const clock& now);
bool visible_to(const dps_system& d, const identity::acting& by); // a draft is its lead's alone
// The decision trail: a dps_decisions row and its audit row, in the caller's transaction.
void record_decision(soci::session& sql, const dps_system& d, std::optional<std::int64_t> partner, std::optional<std::int64_t> provider,
                     const std::string& entity_type, std::int64_t entity_id, const word& action,
                     const std::optional<word>& from, const word& to, const std::optional<std::string>& reason,
                     const identity::acting& by, const clock& now);
std::optional<std::string> valid_date(const std::string& text); // a service date (1990 to 2100), or nullopt

} // namespace dps::purchasing
