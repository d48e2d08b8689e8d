// The reports' SQL: read-only queries over the call-off module's tables, each filtered to what the
// caller may see (the council's own rows and, on the DPSs it leads, its partners'); row-level
// security applies the same wall on PostgreSQL (V011's lead_reads policies).
#pragma once

#include "reports/reports_records.hpp"

#include <optional>
#include <string>
#include <vector>

namespace soci { class session; }

namespace dps::reports::store {

// The call-offs published in [from, to) (timestamps) that `viewer` called off, or leads the DPS of.
std::vector<call_off_outcome> published_call_offs(soci::session& sql, std::int64_t viewer_tenant_id, std::optional<std::int64_t> dps_id,
                                                  const std::string& from, const std::string& to);

} // namespace dps::reports::store
