// The call-off module's SQL for contracts and their changes (variations, extensions, uplifts), and
// the committed spend that spend authorities are checked against.
#pragma once

#include "core/paging.hpp"

#include "calloff/calloff_records.hpp"
#include "calloff/contract_terms.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace soci { class session; }

namespace dps::calloff::store {

std::optional<contract> load_contract(soci::session& sql, std::int64_t id);
// The same, holding the contract's row until commit when `lock` is lock_rows(kind).
std::optional<contract> load_contract(soci::session& sql, std::int64_t id, const char* lock);
// A council's contracts, or a provider's, by id: one query.
// A keyset page of the council's or the provider's contracts, in id order.
page<contract> contracts_of_council(soci::session& sql, std::int64_t tenant_id, const page_request& asked);
page<contract> contracts_of_provider(soci::session& sql, std::int64_t provider_org_id, const page_request& asked);
// Active contracts whose end date is before `today`: the platform ends them.
std::vector<std::int64_t> contracts_past_end(soci::session& sql, const std::string& today);
// An active contract from an approved award: call-off, award, DPS, lot, parties, terms, dates, value.
std::int64_t insert_contract(soci::session& sql, const contract& c);
// The caller took `status` from the contract lifecycle table.
void set_contract_status(soci::session& sql, std::int64_t contract_id, contract_status status, const std::string& at);
// New terms and value (and the status they leave it in).
void write_terms(soci::session& sql, std::int64_t contract_id, const contract_terms& t, std::int64_t value_pence,
                 contract_status status, const std::string& at);
std::optional<std::int64_t> contract_for_award(soci::session& sql, std::int64_t award_id);
// The council and provider of a contract, for the access guard.
std::optional<std::pair<std::int64_t, std::int64_t>> contract_parties(soci::session& sql, std::int64_t contract_id);

std::vector<contract_change> contract_changes(soci::session& sql, std::int64_t contract_id);
std::optional<contract_change> change_for_award(soci::session& sql, std::int64_t award_id);
// Changes apply in date order: the effective date of the last applied change, if any.
std::optional<std::string> last_effective(soci::session& sql, std::int64_t contract_id);
bool change_pending(soci::session& sql, std::int64_t contract_id);
bool uplift_applied(soci::session& sql, std::int64_t contract_id, const std::string& effective_on);
// A change of `before` (its tenant, provider and contract come from it); decided_at is set unless pending.
std::int64_t insert_change(soci::session& sql, const contract& before, const contract_change& change);
// The caller took `status` from the contract-change lifecycle table.
void set_change_status(soci::session& sql, std::int64_t change_id, change_status status, const std::string& at);

// The values of the council's contracts starting from `from` to `to` inclusive, on one DPS or all.
std::int64_t committed_spend(soci::session& sql, std::int64_t tenant_id, std::optional<std::int64_t> dps_id, const std::string& from,
                             const std::string& to);

} // namespace dps::calloff::store
