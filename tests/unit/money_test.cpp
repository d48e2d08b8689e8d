// Money arithmetic: checked, bounded, and the contract terms built on it (issue 15, defect 2).
#include "calloff/contract_terms.hpp"
#include "core/money.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace dps {
namespace {

TEST(Money, OverflowAndTheBoundAreErrorsNotWrappedValues)
{
    const auto max = std::numeric_limits<std::int64_t>::max();
    EXPECT_FALSE(money::add(max, 1));
    EXPECT_FALSE(money::mul(max / 2, 3));
    EXPECT_FALSE(money::sub(-max, 10));
    EXPECT_FALSE(money::mul(money::kMaxAmount, 2)) << "past £1bn";
    EXPECT_EQ(money::add(money::kMaxAmount - 1, 1), money::kMaxAmount);
    EXPECT_FALSE(money::add(std::optional<money::pence>{}, money::pence{1})) << "a failed step stays failed";
    EXPECT_EQ(money::pro_rata(100'000'000'000, 365, 366), 99'726'775'956) << "no overflow in between";
    EXPECT_EQ(money::pro_rata(7, 1, 2), 4) << "halves round up";
}

TEST(ContractTerms, TheIssuesVariationOverflowsToAnErrorNotNinetyPounds)
{
    // 277,148,589,789 pence an hour, 160 hours a week, to 9999: int64 wrapped this to 90,944 pence.
    calloff::contract_terms before{2500, 10, std::nullopt, std::nullopt, std::nullopt, "2024-10-29"};
    calloff::contract_terms after = before;
    after.hourly_rate_pence = 277148589789;
    after.hours_per_week = 160;
    after.ends_on = "9999-08-16";
    EXPECT_FALSE(calloff::changed_value(650000, before, after, "2024-06-01"));
    EXPECT_FALSE(calloff::weekly_cost(after)) << "£443m a week is past the bound on its own";
}

TEST(ContractTerms, WeeksAndPartWeeksPriceToThePenny)
{
    calloff::contract_terms t{2500, 10, std::nullopt, std::nullopt, std::nullopt, "2024-05-28"};
    EXPECT_EQ(calloff::weekly_cost(t), 25000);
    EXPECT_EQ(calloff::cost_between(t, "2024-05-01", "2024-05-28"), 100000) << "four whole weeks";
    EXPECT_EQ(calloff::cost_between(t, "2024-05-01", "2024-05-03"), 10714) << "3/7 of £250, halves up";
    EXPECT_EQ(calloff::cost_between(t, "2024-05-03", "2024-05-01"), 0);
    t.block_discount_percent = 10;
    EXPECT_EQ(calloff::discounted_rate(2500, 10), 2250);
    EXPECT_EQ(calloff::weekly_cost(t), 22500);
    EXPECT_FALSE(calloff::discounted_rate(2500, 101)) << "a discount over 100% is no price";
    // The largest inputs the API accepts, over the longest term, stay within int64 and the bound.
    calloff::contract_terms top{money::kMaxHourlyRate, 168, std::nullopt, std::nullopt, std::nullopt, "2100-12-31"};
    EXPECT_TRUE(calloff::cost_between(top, "1990-01-01", "2100-12-31").has_value());
}

} // namespace
} // namespace dps
