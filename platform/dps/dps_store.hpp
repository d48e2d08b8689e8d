// The DPS module's SQL (issue 10): DPSs, lots, provider profiles, applications and the decision
// trail on them. The only place these statements are written and run; the rules are in dps_service.
#pragma once

#include "dps/dps_records.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace soci { class session; }

namespace dps::purchasing::store {

std::optional<dps_system> load_dps(soci::session& sql, std::int64_t dps_id);
std::vector<dps_system> list_dps(soci::session& sql);
std::vector<std::int64_t> dps_past_their_term(soci::session& sql, const std::string& today); // open or suspended, term ended
std::int64_t insert_dps(soci::session& sql, const dps_system& d);
void set_dps_status(soci::session& sql, std::int64_t dps_id, dps_status status, const std::string& at);
void set_dps_term_end(soci::session& sql, std::int64_t dps_id, const std::string& ends_on, const std::string& at);

std::optional<lot> load_lot(soci::session& sql, std::int64_t dps_id, const std::string& code);
std::vector<lot> list_lots(soci::session& sql, std::int64_t dps_id); // by code
std::int64_t insert_lot(soci::session& sql, const lot& l, const std::string& at);

std::optional<provider_profile> load_profile(soci::session& sql, std::int64_t provider_id);
// `column` must come from the service's fixed list of profile fields, never from a client.
void set_profile_field(soci::session& sql, std::int64_t provider_id, const std::string& column, const std::optional<std::string>& value);

std::optional<application> load_application(soci::session& sql, std::int64_t application_id);
// Who is looking decides which applications of a DPS are listed.
struct application_viewer {
    enum class kind { lead, partner, provider } as = kind::lead;
    std::int64_t id = 0; // the partner council or the provider organisation
};
std::vector<application> list_applications(soci::session& sql, std::int64_t dps_id, const application_viewer& viewer);
std::int64_t insert_application(soci::session& sql, const application& a);
void update_application_decision(soci::session& sql, const application& a, const std::string& at);

struct decision_row {
    std::int64_t dps_id = 0, tenant_id = 0, entity_id = 0;
    std::optional<std::int64_t> partner_tenant_id, provider_org_id;
    std::string entity_type, action;
    std::optional<std::string> from_status;
    std::string to_status;
    std::optional<std::string> reason;
    std::string actor, decided_at;
};
void insert_decision(soci::session& sql, const decision_row& d);
std::vector<decision> list_decisions(soci::session& sql, const std::string& entity_type, std::int64_t entity_id);

} // namespace dps::purchasing::store
