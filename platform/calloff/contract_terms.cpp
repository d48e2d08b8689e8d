// Integer-pence arithmetic for contract values (see contract_terms.hpp), every step checked.
#include "calloff/contract_terms.hpp"

#include "core/money.hpp"
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

std::optional<std::int64_t> discounted_rate(std::int64_t rate_pence, std::optional<std::int64_t> discount_percent)
{
    if (!discount_percent || *discount_percent == 0) return money::bounded(rate_pence);
    if (*discount_percent < 0 || *discount_percent > 100) return std::nullopt;
    auto scaled = money::mul(rate_pence, 100 - *discount_percent);
    if (!scaled) return std::nullopt;
    return (*scaled + 50) / 100;
}

std::optional<std::int64_t> weekly_cost(const contract_terms& t)
{
    if (t.weekly_cost_pence) return money::bounded(*t.weekly_cost_pence);
    return money::mul(discounted_rate(t.hourly_rate_pence.value_or(0), t.block_discount_percent), t.hours_per_week.value_or(0));
}

std::optional<std::int64_t> cost_between(const contract_terms& t, const std::string& from, const std::string& to)
{
    const std::int64_t days = days_between(from, to);
    const auto weekly = weekly_cost(t);
    if (!weekly) return std::nullopt;
    // part week: weekly x days / 7, halves up
    return money::add(money::mul(*weekly, days / 7), money::pro_rata(*weekly, days % 7, 7));
}

std::optional<std::int64_t> changed_value(std::int64_t value_before, const contract_terms& before, const contract_terms& after,
                                          const std::string& effective_on)
{
    return money::add(money::sub(money::bounded(value_before), cost_between(before, effective_on, before.ends_on)),
                      cost_between(after, effective_on, after.ends_on));
}

std::string add_days(const std::string& date, long long days)
{
    using namespace std::chrono;
    return plugins::format_iso_date(year_month_day{sys_days{*plugins::parse_iso_date(date)} + std::chrono::days{days}});
}

} // namespace dps::calloff
