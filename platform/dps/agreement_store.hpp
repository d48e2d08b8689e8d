// The access-agreement module's SQL (issue 10): agreements, their lots and fee years, and spend
// authorities. The only place these statements are written and run; the rules are in agreement_service.
#pragma once

#include "dps/agreement_records.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace soci { class session; }

namespace dps::purchasing::store {

// The agreement with its lots and fee years.
std::optional<access_agreement> load_agreement(soci::session& sql, std::int64_t agreement_id);
// Agreements on a DPS; partner_tenant_id 0 lists every partner's.
std::vector<std::int64_t> agreements_on(soci::session& sql, std::int64_t dps_id, std::int64_t partner_tenant_id);
// Live agreements whose notice has run out or whose term has ended by `today`.
std::vector<std::int64_t> agreements_due_to_end(soci::session& sql, const std::string& today);
// How many live agreements (active or under notice; requested too if asked) the partner holds on the DPS.
long long count_partner_agreements(soci::session& sql, std::int64_t dps_id, std::int64_t partner_tenant_id, bool include_requested);
std::int64_t insert_agreement(soci::session& sql, const access_agreement& a);
void set_agreement_status(soci::session& sql, std::int64_t agreement_id, agreement_status status, const std::string& at);
void record_notice(soci::session& sql, std::int64_t agreement_id, agreement_status status, const std::string& given_on,
                   const std::string& given_by, const std::string& effective_end_on, const std::string& at);

// A lot of the DPS by code: its id and name.
std::optional<std::pair<std::int64_t, std::string>> find_lot(soci::session& sql, std::int64_t dps_id, const std::string& code);
void insert_agreement_lot(soci::session& sql, const access_agreement& a, std::int64_t lot_id, std::int64_t annual_fee_pence,
                          const std::string& joined_on);
void drop_agreement_lot(soci::session& sql, std::int64_t agreement_lot_id, const std::string& dropped_on);

// Removes the unpaid fee years that start on or after `from`.
void delete_unpaid_fees_from(soci::session& sql, std::int64_t agreement_id, const std::string& from);
void insert_fee(soci::session& sql, const access_agreement& a, const agreement_fee& fee);
void mark_fee_paid(soci::session& sql, std::int64_t fee_id, const std::string& paid_on);

std::int64_t insert_spend_authority(soci::session& sql, const spend_authority& s);
std::vector<spend_authority> spend_authorities_of(soci::session& sql, std::int64_t dps_id, std::int64_t tenant_id);

} // namespace dps::purchasing::store
