// The call-off module's SQL for call-offs themselves: their rows, negotiation rounds, spot
// purchases and decision history (with its audit record, in the same transaction), the admission
// check providers' visibility rests on, and the row lock each dialect needs. Bids, awards and
// contracts have stores of their own beside this one; the rules are in the services.
#pragma once

#include "core/paging.hpp"

#include "calloff/calloff_records.hpp"
#include "core/clock.hpp"
#include "db/database_url.hpp"
#include "identity/identity_service.hpp"

#include <optional>
#include <string>

namespace soci { class session; }

namespace dps::calloff::store {

// Appended to a SELECT that must hold its rows until commit. PostgreSQL: a row lock that does not
// block foreign-key checks; SQLite: nothing, its BEGIN IMMEDIATE already serialises writers.
const char* lock_rows(db::backend kind);
// Holds the council's tenant row until commit: every act that commits spend queues here, so no two
// can both fit the same headroom.
void lock_council(soci::session& sql, std::int64_t tenant_id, db::backend kind);

std::optional<call_off> load_call_off(soci::session& sql, std::int64_t id, const char* lock = "");
// A council's own call-offs (with their live bid counts), or those a provider may see: one query
// each, not one per call-off (a provider's list is the hot read path).
// A page of the council's own call-offs (with live bid counts), or of those a provider may see.
page<call_off> list_for_council(soci::session& sql, std::int64_t tenant_id, const page_request& asked);
page<call_off> list_for_provider(soci::session& sql, std::int64_t provider_org_id, const page_request& asked);
// A draft: dps, lot, lead and calling tenant, title, package, start, weeks, deadline, weights, created_at.
std::int64_t insert_call_off(soci::session& sql, const call_off& c);
void set_published(soci::session& sql, std::int64_t call_off_id, const std::string& at);
// The calling council, for the access guard; nothing when there is no such call-off.
std::optional<std::int64_t> call_off_tenant(soci::session& sql, std::int64_t call_off_id);

// Partners call off only from lots they joined under an agreement that is still live.
bool partner_has_lot(soci::session& sql, std::int64_t lot_id, std::int64_t tenant_id);
// A call-off as the caller may see it: the calling council's, or, once published, an admitted provider's
// whose organisation is active (one statement). Nothing when it is not visible.
std::optional<call_off> load_visible_call_off(soci::session& sql, std::int64_t id, const identity::acting& by);

// The call-off's negotiation round, if one was opened, with the shortlisted bids the caller may read.
std::optional<negotiation> load_negotiation(soci::session& sql, std::int64_t call_off_id);
// The same without a query when the call-off cannot have one: a round opens only from 'evaluated'
// (lifecycles.cpp), so a draft or open call-off has none. The hot read (a provider's GET of an open
// call-off) saves a round trip and a costly plan (negotiation_rounds' row-security policy).
std::optional<negotiation> load_negotiation(soci::session& sql, const call_off& c);
bool shortlisted(const negotiation& n, std::int64_t bid_id);
std::int64_t insert_negotiation(soci::session& sql, const call_off& c, const negotiation& n);
void insert_shortlisted(soci::session& sql, std::int64_t round_id, const bid& b);
bool provider_shortlisted(soci::session& sql, std::int64_t round_id, std::int64_t provider_org_id);

// Sealed: what bids say is hidden from the council while bids (or best and final offers) may still change.
bool bids_sealed(const call_off& c, const std::optional<negotiation>& n, const std::string& now);

std::int64_t insert_spot_purchase(soci::session& sql, const spot_purchase& s);
std::optional<spot_purchase> load_spot_purchase(soci::session& sql, std::int64_t id);
std::vector<spot_purchase> list_spot_purchases(soci::session& sql, const spot_filter& f);

// One move in call_off_decisions; `provider` is whose bid, award or contract it concerns, if any.
struct new_decision {
    std::optional<std::int64_t> provider;
    std::string entity_type;
    std::int64_t entity_id = 0;
    word action;
    std::optional<word> from;
    word to;
    std::optional<std::string> reason;
};
// Records the move and its audit entry, in the caller's transaction.
void record(soci::session& sql, const call_off& c, const new_decision& m, const identity::acting& by, const clock& now);
// The call-off's decision history, oldest first.
std::vector<decision> decisions_of(soci::session& sql, std::int64_t call_off_id);

// Moves a call-off's status (the caller took `to` from its lifecycle table) and records it.
void move_call_off(soci::session& sql, call_off& c, call_off_action action, call_off_status to,
                   const std::optional<std::string>& reason, const identity::acting& by, const clock& now);

} // namespace dps::calloff::store
