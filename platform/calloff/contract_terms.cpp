// Integer-pence arithmetic for contract values (see contract_terms.hpp).
#include "calloff/contract_terms.hpp"

#include "plugins/iso_date.hpp"

#include <chrono>

namespace dps::calloff {
namespace {

std::int64_t days_between(const std::string& from, const std::string& to)
{
    using namespace std::chrono;
    auto f = plugins::parse_iso_date(from), t = plugins::parse_iso_date(to);
    if (!f || !t) return 0;
    const auto days = (sys_days{*t} - sys_days{*f}).count() + 1;
    return days > 0 ? days : 0;
}

} // namespace

std::int64_t discounted_rate(std::int64_t rate_pence, std::optional<std::int64_t> discount_percent)
{
    if (!discount_percent || *discount_percent == 0) return rate_pence;
    return (rate_pence * (100 - *discount_percent) + 50) / 100;
}

std::int64_t weekly_cost(const contract_terms& t)
{
    if (t.weekly_cost_pence) return *t.weekly_cost_pence;
    return discounted_rate(t.hourly_rate_pence.value_or(0), t.block_discount_percent) * t.hours_per_week.value_or(0);
}

std::int64_t cost_between(const contract_terms& t, const std::string& from, const std::string& to)
{
    const std::int64_t days = days_between(from, to), weekly = weekly_cost(t);
    return weekly * (days / 7) + (weekly * (days % 7) * 2 + 7) / 14; // part week: weekly x days / 7, halves up
}

std::int64_t changed_value(std::int64_t value_before, const contract_terms& before, const contract_terms& after,
                           const std::string& effective_on)
{
    return value_before - cost_between(before, effective_on, before.ends_on) + cost_between(after, effective_on, after.ends_on);
}

} // namespace dps::calloff
