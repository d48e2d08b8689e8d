// The SQL of open data: one DPS as its lead reads it, and every published call-off on it (the
// partners' too: the lead reads them under row-level security's lead_reads policies, schema/V011).
#pragma once

#include "opendata/ocds_records.hpp"

#include <optional>

namespace soci { class session; }

namespace dps::opendata::store {

// The DPS if `lead_tenant_id` leads it; nothing otherwise.
std::optional<dps_facts> dps_led_by(soci::session& sql, std::int64_t dps_id, std::int64_t lead_tenant_id);
// Its call-offs past draft, in id order, each with its contract or spot purchase if any.
std::vector<call_off_facts> published_call_offs(soci::session& sql, std::int64_t dps_id);

} // namespace dps::opendata::store
