// What the call-off and award services share: row loaders, the decision history (with its audit
// record, in the same transaction), admission checks, and the row lock each dialect needs.
#pragma once

#include "calloff/calloff_records.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "db/database_url.hpp"
#include "identity/identity_service.hpp"
#include "plugins/plugin_types.hpp"

#include <optional>
#include <string>

namespace soci { class session; }

namespace dps::calloff::store {

// Appended to a SELECT that must hold its rows until commit. PostgreSQL: a row lock that does not
// block foreign-key checks; SQLite: nothing, its BEGIN IMMEDIATE already serialises writers.
const char* lock_rows(db::backend kind);

std::optional<call_off> load_call_off(soci::session& sql, std::int64_t id, const char* lock = "");
std::optional<bid> load_bid(soci::session& sql, std::int64_t id);
std::vector<bid> live_bids(soci::session& sql, std::int64_t call_off_id);
std::optional<award> load_award(soci::session& sql, std::int64_t id, const char* lock = "");
std::optional<contract> load_contract(soci::session& sql, std::int64_t id);
// The same, holding the contract's row until commit when `lock` is lock_rows(kind).
std::optional<contract> load_contract(soci::session& sql, std::int64_t id, const char* lock);
std::vector<contract_change> contract_changes(soci::session& sql, std::int64_t contract_id);
std::optional<contract_change> change_for_award(soci::session& sql, std::int64_t award_id);
std::int64_t count_live_bids(soci::session& sql, std::int64_t call_off_id);
// A council's own call-offs (with their live bid counts), or those a provider may see: one query
// each, not one per call-off (a provider's list is the hot read path).
std::vector<call_off> list_for_council(soci::session& sql, std::int64_t tenant_id);
std::vector<call_off> list_for_provider(soci::session& sql, std::int64_t provider_org_id);

// The call-off's negotiation round, if one was opened, with the shortlisted bids the caller may read.
std::optional<negotiation> load_negotiation(soci::session& sql, std::int64_t call_off_id);
bool shortlisted(const negotiation& n, std::int64_t bid_id);

// Sealed: what bids say is hidden from the council while bids (or best and final offers) may still change.
bool bids_sealed(const call_off& c, const std::optional<negotiation>& n, const std::string& now);

// Inserts a pending award (an award, or a contract's variation or extension) and its ordered approvals.
struct new_award {
    std::int64_t call_off_id = 0, tenant_id = 0, bid_id = 0, provider_org_id = 0;
    std::string kind;
    std::optional<std::int64_t> contract_id;
    std::int64_t value_pence = 0;
    std::optional<std::int64_t> block_guaranteed_hours, block_discount_percent;
};
std::int64_t insert_award(soci::session& sql, const new_award& a, const std::vector<plugins::approval_step>& route,
                          const identity::acting& by, const clock& now);

// Admitted to the lot and not suspended: who may see and bid on its call-offs.
bool admitted(soci::session& sql, std::int64_t lot_id, std::int64_t provider_id);

// The council's or provider's view: the calling council, or an admitted provider once published.
bool visible_to(soci::session& sql, const call_off& c, const identity::acting& by);

// Records one move in call_off_decisions and the audit log, in the caller's transaction.
void record(soci::session& sql, const call_off& c, std::optional<std::int64_t> provider, const std::string& entity_type,
            std::int64_t entity_id, const std::string& action, const std::optional<std::string>& from, const std::string& to,
            const std::optional<std::string>& reason, const identity::acting& by, const clock& now);

// Moves a call-off's status (the caller has checked the move is legal) and records it.
void move_call_off(soci::session& sql, call_off& c, const std::string& action, const std::string& to,
                   const std::optional<std::string>& reason, const identity::acting& by, const clock& now);

// 'YYYY-MM-DD' plus whole days.
std::string add_days(const std::string& date, long long days);

// "£310,000.00"
std::string pounds(std::int64_t pence);


} // namespace dps::calloff::store
