// The rules module's SQL (issue 10): each tenant's plugin versions. The only place these statements
// are written and run; validation, activation and keeping the host in step are in rules_service.
#pragma once

#include "db/dialect.hpp"
#include "rules/rules_records.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace soci { class session; }

namespace dps::rules::store {

struct active_source {
    std::string source, file_name, source_sha256;
};
std::optional<active_source> active_source_of(soci::session& sql, std::int64_t tenant_id);

struct active_row {
    std::int64_t tenant_id = 0;
    std::string slug, source_sha256;
};
std::vector<active_row> every_active(soci::session& sql); // every tenant's active version, for the host to match

std::optional<std::string> active_fixtures_of(soci::session& sql, std::int64_t tenant_id);
// Whether the partner council has an access agreement with the lead named by slug (a count only).
bool has_agreement_with_lead(soci::session& sql, std::int64_t partner_tenant_id, const std::string& lead_slug);

// Takes the tenant's row lock so that two uploads cannot both take the next version number.
int next_version(soci::session& sql, db::backend kind, std::int64_t tenant_id);
void deactivate_all(soci::session& sql, std::int64_t tenant_id);
std::int64_t insert_active_version(soci::session& sql, const plugin_version& v, const std::string& source, const std::string& fixtures);
std::vector<plugin_version> versions_of(soci::session& sql, std::int64_t tenant_id);
std::optional<plugin_version> version_of(soci::session& sql, std::int64_t tenant_id, int version);
void activate_version(soci::session& sql, std::int64_t version_id, const std::string& at);

} // namespace dps::rules::store
