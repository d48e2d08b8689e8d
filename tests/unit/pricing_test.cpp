// Bid pricing (calloff/pricing.hpp) and money as committee reports write it: every rule, each way it refuses.
#include "calloff/contract_terms.hpp"
#include "calloff/pricing.hpp"
#include "core/money.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace dps::calloff {
namespace {

TEST(Pricing, HourlyCareCostsRateTimesHoursTimesWeeks)
{
    auto p = price({2450, 10, std::nullopt}, 52);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->total_pence, 2450 * 10 * 52);
    EXPECT_EQ(p->terms.hourly_rate_pence, 2450);
    EXPECT_EQ(p->terms.hours_per_week, 10);
    EXPECT_FALSE(p->terms.weekly_cost_pence);
}

TEST(Pricing, APlacementCostsItsWeeklyCostTimesWeeks)
{
    auto p = price({std::nullopt, std::nullopt, 450000}, 26);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->total_pence, 450000 * 26);
    EXPECT_FALSE(p->terms.hourly_rate_pence);
    EXPECT_EQ(p->terms.weekly_cost_pence, 450000);
}

TEST(Pricing, MixedOrHalfGivenPricesAreRefusedNamingTheField)
{
    struct refused {
        offer o;
        const char* field;
    };
    for (const auto& [o, field] : {refused{{2450, 10, 450000}, "weekly_cost_pence"}, refused{{std::nullopt, 10, std::nullopt}, "hourly_rate_pence"},
                                   refused{{2450, std::nullopt, std::nullopt}, "hours_per_week"},
                                   refused{{std::nullopt, std::nullopt, std::nullopt}, "hourly_rate_pence"},
                                   refused{{std::nullopt, 10, 450000}, "weekly_cost_pence"}}) {
        auto p = price(o, 52);
        ASSERT_FALSE(p) << field;
        EXPECT_EQ(p.err().kind, error_kind::bad_request) << field;
        EXPECT_EQ(p.err().code, "invalid_field");
        EXPECT_EQ(p.err().message.substr(0, p.err().message.find(':')), field) << p.err().message;
    }
}

TEST(Pricing, ATotalPastTheBoundIsAnErrorNotAWrappedValue)
{
    auto hourly = price({money::kMaxHourlyRate * 1000, 168, std::nullopt}, 5200);
    ASSERT_FALSE(hourly);
    EXPECT_EQ(hourly.err().code, "value_out_of_range");
    EXPECT_EQ(hourly.err().message.rfind("hourly_rate_pence:", 0), 0u) << hourly.err().message;
    auto weekly = price({std::nullopt, std::nullopt, std::numeric_limits<std::int64_t>::max() / 2}, 3);
    ASSERT_FALSE(weekly);
    EXPECT_EQ(weekly.err().message.rfind("weekly_cost_pence:", 0), 0u) << weekly.err().message;
}

TEST(Money, PoundsGroupThousandsAndKeepPence)
{
    EXPECT_EQ(money::pounds(31000000), "£310,000.00");
    EXPECT_EQ(money::pounds(5), "£0.05");
    EXPECT_EQ(money::pounds(-123456), "-£1,234.56");
    EXPECT_EQ(money::pounds(100), "£1.00");
}

TEST(ContractTerms, AddDaysCrossesMonthsYearsAndLeapDays)
{
    EXPECT_EQ(add_days("2024-02-28", 1), "2024-02-29");
    EXPECT_EQ(add_days("2023-12-31", 1), "2024-01-01");
    EXPECT_EQ(add_days("2024-04-01", 52 * 7 - 1), "2025-03-30");
}

} // namespace
} // namespace dps::calloff
