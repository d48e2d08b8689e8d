#include "reports/reports_records.hpp"

#include "http/csv.hpp"

#include <boost/json.hpp>

#include <map>

namespace dps::reports {
namespace {

std::optional<std::int64_t> per_mille(std::int64_t part, std::int64_t whole)
{
    if (whole <= 0) return std::nullopt;
    return (part * 1000 + whole / 2) / whole;
}

bool count(outcome_counts& c, const call_off_outcome& o)
{
    ++c.published;
    if (o.status == calloff::call_off_status::awarded) {
        ++c.awarded;
        return !__builtin_add_overflow(c.awarded_value, o.contract_value.value_or(0), &c.awarded_value);
    }
    if (o.status == calloff::call_off_status::unfilled) {
        ++c.unfilled;
        return !__builtin_add_overflow(c.spot_value, o.spot_cost.value_or(0), &c.spot_value);
    }
    if (o.status != calloff::call_off_status::cancelled) ++c.in_progress; // cancelled after publishing: neither placed nor bought
    return true;
}

std::vector<outcome_counts> rows_of(std::map<std::string, outcome_counts>& groups)
{
    std::vector<outcome_counts> out;
    for (auto& [key, c] : groups) {
        c.key = key;
        out.push_back(c);
    }
    return out;
}

boost::json::value percent(std::optional<std::int64_t> per_mille)
{
    if (!per_mille) return nullptr;
    return static_cast<double>(*per_mille) / 10.0;
}

boost::json::object json_of(const outcome_counts& c)
{
    return {{"key", c.key},
            {"published", c.published},
            {"awarded_through_dps", c.awarded},
            {"closed_unfilled_spot_purchase", c.unfilled},
            {"in_progress", c.in_progress},
            {"placed_through_dps_percent", percent(c.placed_per_mille())},
            {"spot_purchase_percent", percent(c.spot_per_mille())},
            {"awarded_value_pence", c.awarded_value},
            {"spot_value_pence", c.spot_value}};
}

std::string percent_text(std::optional<std::int64_t> per_mille)
{
    if (!per_mille) return "";
    return std::to_string(*per_mille / 10) + "." + std::to_string(*per_mille % 10);
}

} // namespace

std::optional<std::int64_t> outcome_counts::placed_per_mille() const { return per_mille(awarded, awarded + unfilled); }
std::optional<std::int64_t> outcome_counts::spot_per_mille() const { return per_mille(unfilled, awarded + unfilled); }

bool tally(dps_vs_spot_report& report, const std::vector<call_off_outcome>& outcomes)
{
    std::map<std::string, outcome_counts> lots, months, commissioners;
    for (const auto& o : outcomes) {
        const bool fits = count(report.total, o) && count(lots[o.lot_code], o) && count(months[o.published_on.substr(0, 7)], o) &&
                          count(commissioners[o.commissioner], o);
        if (!fits) return false;
    }
    report.total.key = "total";
    report.by_lot = rows_of(lots);
    report.by_month = rows_of(months);
    report.by_commissioner = rows_of(commissioners);
    return true;
}

boost::json::value to_json(const dps_vs_spot_report& r)
{
    auto rows = [](const std::vector<outcome_counts>& v) {
        boost::json::array a;
        for (const auto& c : v) a.push_back(json_of(c));
        return a;
    };
    boost::json::object o{{"report", "dps-vs-spot"},
                          {"financial_year", r.financial_year},
                          {"from", r.first_day},
                          {"to", r.last_day},
                          {"dps_id", r.dps_id ? boost::json::value(*r.dps_id) : nullptr},
                          {"total", json_of(r.total)},
                          {"by_lot", rows(r.by_lot)},
                          {"by_month", rows(r.by_month)},
                          {"by_commissioner", rows(r.by_commissioner)}};
    return o;
}

std::string to_csv(const dps_vs_spot_report& r)
{
    http::csv_table t({"financial_year", "group", "key", "published", "awarded_through_dps", "closed_unfilled_spot_purchase", "in_progress",
                       "placed_through_dps_percent", "spot_purchase_percent", "awarded_value_pounds", "awarded_value_pence",
                       "spot_value_pounds", "spot_value_pence"});
    auto add = [&](const char* group, const outcome_counts& c) {
        t.add({std::to_string(r.financial_year), group, c.key, std::to_string(c.published), std::to_string(c.awarded),
               std::to_string(c.unfilled), std::to_string(c.in_progress), percent_text(c.placed_per_mille()),
               percent_text(c.spot_per_mille()), money::decimal_pounds(c.awarded_value), std::to_string(c.awarded_value),
               money::decimal_pounds(c.spot_value), std::to_string(c.spot_value)});
    };
    add("total", r.total);
    for (const auto& c : r.by_lot) add("lot", c);
    for (const auto& c : r.by_month) add("month", c);
    for (const auto& c : r.by_commissioner) add("commissioner", c);
    return t.text();
}

} // namespace dps::reports
