// Bid pricing; tests/unit/pricing_test.cpp walks each rule.
#include "calloff/pricing.hpp"

#include "core/money.hpp"

namespace dps::calloff {

result<priced_offer> price(const offer& o, std::int64_t weeks)
{
    const bool hourly = o.hourly_rate_pence || o.hours_per_week;
    if (hourly && o.weekly_cost_pence)
        return invalid("weekly_cost_pence", "give hourly_rate_pence and hours_per_week, or weekly_cost_pence, not both");
    if (hourly) {
        if (!o.hourly_rate_pence) return invalid("hourly_rate_pence", "is required with hours_per_week");
        if (!o.hours_per_week) return invalid("hours_per_week", "is required with hourly_rate_pence");
        auto total = money::mul(money::mul(*o.hourly_rate_pence, *o.hours_per_week), weeks);
        if (!total) return money::out_of_range("hourly_rate_pence");
        return priced_offer{{o.hourly_rate_pence, o.hours_per_week, std::nullopt}, *total};
    }
    if (!o.weekly_cost_pence) return invalid("hourly_rate_pence", "price the bid by the hour or by the week (weekly_cost_pence)");
    auto total = money::mul(*o.weekly_cost_pence, weeks);
    if (!total) return money::out_of_range("weekly_cost_pence");
    return priced_offer{{std::nullopt, std::nullopt, o.weekly_cost_pence}, *total};
}

} // namespace dps::calloff
