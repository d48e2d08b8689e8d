// Values of the reports councils take to committee. Each report is rows of one shape, grouped by a
// dimension (lot, month, commissioner) with a total; JSON for tools, CSV for spreadsheets.
#pragma once

#include "calloff/states.hpp"
#include "core/money.hpp"

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dps::reports {

// One published call-off as the DPS-against-spot report reads it.
struct call_off_outcome {
    std::int64_t call_off_id = 0, tenant_id = 0;
    std::string commissioner; // the calling council's slug
    std::string lot_code;
    calloff::call_off_status status = calloff::call_off_status::open;
    std::string published_on; // the London date
    std::optional<money::pence> contract_value, spot_cost;
};

// Packages published, how many were placed through the DPS and how many went to spot purchase.
struct outcome_counts {
    std::string key;
    std::int64_t published = 0, awarded = 0, unfilled = 0, in_progress = 0;
    money::pence awarded_value = 0, spot_value = 0;
    // Of the packages decided either way, the share placed through the DPS (the pick-up rate) and
    // by spot purchase, in tenths of a percent (419 is 41.9%); nothing decided yet: none.
    std::optional<std::int64_t> placed_per_mille() const;
    std::optional<std::int64_t> spot_per_mille() const;
};

struct dps_vs_spot_report {
    int financial_year = 0;
    std::string first_day, last_day;
    std::optional<std::int64_t> dps_id;
    outcome_counts total;
    std::vector<outcome_counts> by_lot, by_month, by_commissioner;
};

// Counts the outcomes into the report's groups; false if a money sum would overflow.
bool tally(dps_vs_spot_report& report, const std::vector<call_off_outcome>& outcomes);

boost::json::value to_json(const dps_vs_spot_report& r);
std::string to_csv(const dps_vs_spot_report& r);

} // namespace dps::reports
