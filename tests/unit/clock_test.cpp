// Timestamps: format and parse are inverses on the one stored format, and parse refuses the rest.
#include "core/clock.hpp"

#include <gtest/gtest.h>

#include <random>

using namespace dps;
using namespace std::chrono;

TEST(Timestamps, ParseInvertsFormatAcrossTheCalendar)
{
    std::mt19937_64 random{7};
    const auto from = sys_days{year{1990} / January / 1}, to = sys_days{year{2100} / December / 31};
    std::uniform_int_distribution<long long> pick{0, duration_cast<milliseconds>(to - from).count()};
    for (int i = 0; i < 20000; ++i) {
        const timestamp t = timestamp{from} + milliseconds{pick(random)};
        const auto text = format_timestamp(t);
        auto back = parse_timestamp(text);
        ASSERT_TRUE(back.has_value()) << text;
        EXPECT_EQ(*back, t) << text;
    }
}

TEST(Timestamps, ParseRefusesAnythingButTheStoredFormat)
{
    EXPECT_TRUE(parse_timestamp("2024-02-29T23:59:59.999Z").has_value());
    for (const char* bad : {"", "2024-02-30T00:00:00.000Z", "2023-02-29T00:00:00.000Z", "2024-13-01T00:00:00.000Z",
                            "2024-01-01T24:00:00.000Z", "2024-01-01T00:60:00.000Z", "2024-01-01T00:00:60.000Z",
                            "2024-01-01 00:00:00.000Z", "2024-01-01T00:00:00Z", "2024-01-01T00:00:00.000+01:00",
                            "2024-01-01T00:00:00.000Z ", "+024-01-01T00:00:00.000Z", "2024-0a-01T00:00:00.000Z"})
        EXPECT_FALSE(parse_timestamp(bad).has_value()) << bad;
}
