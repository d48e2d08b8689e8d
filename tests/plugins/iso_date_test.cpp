// Tests for plugins/iso_date.hpp: month arithmetic with month-end clamping and financial years.
#include "plugins/iso_date.hpp"

#include <gtest/gtest.h>

namespace dps::plugins {
namespace {

TEST(IsoDate, AddMonthsKeepsTheDayWhenItExists)
{
    EXPECT_EQ(add_months("2025-01-15", 6), "2025-07-15");
    EXPECT_EQ(add_months("2024-02-01", 25), "2026-03-01");
}

TEST(IsoDate, AddMonthsClampsToMonthEnd)
{
    EXPECT_EQ(add_months("2024-08-31", 6), "2025-02-28");
    EXPECT_EQ(add_months("2023-08-31", 6), "2024-02-29"); // leap year
    EXPECT_EQ(add_months("2024-03-31", 1), "2024-04-30");
}

TEST(IsoDate, AddMonthsHandlesNegativeAndYearWrap)
{
    EXPECT_EQ(add_months("2024-01-31", -1), "2023-12-31");
    EXPECT_EQ(add_months("2025-04-01", -12), "2024-04-01");
    EXPECT_EQ(add_months("2024-11-30", 3), "2025-02-28");
}

TEST(IsoDate, RejectsMalformedOrImpossibleDates)
{
    EXPECT_FALSE(add_months("2024-02-30", 1));
    EXPECT_FALSE(add_months("2024-2-01", 1));
    EXPECT_FALSE(add_months("01/02/2024", 1));
    EXPECT_FALSE(add_months("9999-12-01", 1));
    EXPECT_FALSE(termination_effective_date("2024-01-01", -1));
}

TEST(IsoDate, TerminationEffectiveDateIsNoticeDatePlusMonths)
{
    EXPECT_EQ(termination_effective_date("2024-08-31", 6), "2025-02-28");
}

TEST(IsoDate, FinancialYearRunsAprilToMarch)
{
    EXPECT_EQ(financial_year("2024-04-01"), "2024/25");
    EXPECT_EQ(financial_year("2025-03-31"), "2024/25");
    EXPECT_EQ(financial_year("2000-01-01"), "1999/00");
    EXPECT_EQ(financial_year("2099-12-31"), "2099/00");
    EXPECT_FALSE(financial_year("2024-13-01"));
}

} // namespace
} // namespace dps::plugins
