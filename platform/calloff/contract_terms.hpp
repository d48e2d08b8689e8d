// The money arithmetic of a contract's terms, in integer pence: the weekly cost, the rate paid under
// a block discount, the cost of a run of days, and a contract's value after its terms change.
//
// A contract's value is what the council has committed to pay over its whole term. When terms
// change from `effective_on`, the days before keep the price they had and the rest is repriced:
//   new value = old value - cost(old terms, effective_on..old end) + cost(new terms, effective_on..new end)
// A run of whole weeks costs exactly the weekly cost times the weeks; a part week costs
// weekly x days / 7, rounded to the nearest penny (halves up). Each returns nullopt when a step
// overflows or passes money::kMaxAmount; the caller answers 422 naming the field that caused it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace dps::calloff {

struct contract_terms {
    std::optional<std::int64_t> hourly_rate_pence, hours_per_week, weekly_cost_pence;
    std::optional<std::int64_t> block_guaranteed_hours, block_discount_percent;
    std::string ends_on;
};

// rate x (100 - discount) / 100, to the nearest penny (halves up); the rate itself without a discount.
std::optional<std::int64_t> discounted_rate(std::int64_t rate_pence, std::optional<std::int64_t> discount_percent);

// The hourly rate paid (after any block discount) times the hours, or the placement's weekly cost.
std::optional<std::int64_t> weekly_cost(const contract_terms& t);

// The cost of the days from `from` to `to` inclusive under `t`; 0 when `to` is before `from`.
std::optional<std::int64_t> cost_between(const contract_terms& t, const std::string& from, const std::string& to);

// The contract's value once `after` replaces `before` from `effective_on` (see above).
std::optional<std::int64_t> changed_value(std::int64_t value_before, const contract_terms& before, const contract_terms& after,
                                          const std::string& effective_on);

// 'YYYY-MM-DD' plus whole days (a contract's end: its start plus its weeks, less a day).
std::string add_days(const std::string& date, long long days);

} // namespace dps::calloff
