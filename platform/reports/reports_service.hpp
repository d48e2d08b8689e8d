// Reports councils take to committee, for one financial year (April to March, London time). Each
// answers only with what the caller may see: its own call-offs and, on a DPS it leads, its
// partners' (read-only).
#pragma once

#include "core/result.hpp"
#include "reports/reports_records.hpp"

#include <optional>

namespace dps::db { class database; }
namespace dps::identity { struct acting; }

namespace dps::reports {

class reports_service {
public:
    explicit reports_service(db::database& db) : db_(db) {}

    // Packages published in the year (by the date they were published), how many were placed
    // through the DPS and how many closed unfilled with a spot purchase; by lot, month and
    // commissioner. dps_id: one DPS (its lead sees every partner's; a partner its own).
    result<dps_vs_spot_report> dps_vs_spot(const identity::acting& by, int financial_year, std::optional<std::int64_t> dps_id);

private:
    db::database& db_;
};

} // namespace dps::reports
