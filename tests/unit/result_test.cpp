// result<T>'s chaining: and_then runs the next step only on a value, transform maps a value, and
// an error passes through both unchanged.
#include "core/result.hpp"

#include <gtest/gtest.h>

#include <string>

namespace dps {
namespace {

result<int> parse_positive(const std::string& text)
{
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) return invalid("n", "a whole number");
    const int n = std::stoi(text);
    if (n == 0) return invalid("n", "above zero");
    return n;
}

TEST(Result, AndThenRunsTheNextStepOnlyOnAValue)
{
    int calls = 0;
    auto half = [&](int n) -> result<int> {
        ++calls;
        if (n % 2) return conflict("odd", "an odd number has no whole half");
        return n / 2;
    };
    EXPECT_EQ(*parse_positive("42").and_then(half), 21);
    EXPECT_EQ(calls, 1);

    auto odd = parse_positive("7").and_then(half);
    ASSERT_FALSE(odd);
    EXPECT_EQ(odd.err().code, "odd");

    auto bad = parse_positive("x").and_then(half);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.err().code, "invalid_field") << "the first error passes through";
    EXPECT_EQ(calls, 2) << "the step after a failed one never runs";
}

TEST(Result, TransformMapsAValueAndKeepsAnError)
{
    auto text = parse_positive("12").transform([](int n) { return std::to_string(n * 100) + " pence"; });
    ASSERT_TRUE(text);
    EXPECT_EQ(*text, "1200 pence");
    auto failed = parse_positive("0").transform([](int n) { return n * 100; });
    ASSERT_FALSE(failed);
    EXPECT_EQ(failed.err().message, "n: above zero");
}

} // namespace
} // namespace dps
