#include "reports/reports_service.hpp"

#include "core/clock.hpp"
#include "db/database.hpp"
#include "dps/dps_service.hpp"
#include "dps/dps_store.hpp"
#include "identity/acting_for.hpp"
#include "log/logger.hpp"
#include "reports/reports_store.hpp"

namespace dps::reports {

template <class T, class F>
result<T> reports_service::read(const identity::acting& by, F&& work)
{
    if (replica_) {
        auto answer = replica_->read_value<T>(by.data_scope(), work);
        if (answer || answer.err().kind != error_kind::unavailable) return answer;
        // A standby may lag its primary by the last commits; a report for a financial year does not
        // notice. One that does not answer at all is no reason to fail the report.
        log::warn("report_replica_unavailable", {{"detail", answer.err().detail}});
    }
    return db_.read_value<T>(by.data_scope(), work);
}

result<dps_vs_spot_report> reports_service::dps_vs_spot(const identity::acting& by, int financial_year, std::optional<std::int64_t> dps_id)
{
    if (!by.council()) return forbidden("reports are the councils'");
    const auto fy = dps::financial_year(financial_year);
    dps_vs_spot_report report;
    report.financial_year = financial_year;
    report.first_day = fy.first_day;
    report.last_day = fy.last_day;
    report.dps_id = dps_id;
    return read<dps_vs_spot_report>(by, [&](soci::session& sql) -> result<dps_vs_spot_report> {
        if (dps_id) {
            auto d = purchasing::store::load_dps(sql, *dps_id);
            if (!d || !purchasing::visible_to(*d, by)) return not_found("DPS");
        }
        const auto rows = store::published_call_offs(sql, *by.caller->tenant_id, dps_id, format_timestamp(fy.from), format_timestamp(fy.to));
        if (!tally(report, rows)) return money::out_of_range("report");
        return report;
    });
}

} // namespace dps::reports
