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
    // replica: a read-only standby for the reports' reads (DPS_DB_READ_URL), so a committee's figures
    // do not load the primary; when it cannot be reached (mid-failover, say) they come from db.
    explicit reports_service(db::database& db, db::database* replica = nullptr) : db_(db), replica_(replica) {}

    // Packages published in the year (by the date they were published), how many were placed
    // through the DPS and how many closed unfilled with a spot purchase; by lot, month and
    // commissioner. dps_id: one DPS (its lead sees every partner's; a partner its own).
    result<dps_vs_spot_report> dps_vs_spot(const identity::acting& by, int financial_year, std::optional<std::int64_t> dps_id);

private:
    // Runs a report's read on the replica if there is one and it answers, else on the primary.
    template <class T, class F>
    result<T> read(const identity::acting& by, F&& work);
    db::database& db_;
    db::database* replica_;
};

} // namespace dps::reports
