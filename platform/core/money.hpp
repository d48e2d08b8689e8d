// Money is integer pence, and every sum and product of it is checked: an overflow is an error the
// caller names, never a wrapped value (issue 15: a variation's value wrapped past int64 and chose
// the lowest approval tier). The bounds are far above any real price of children's care and far
// below where the arithmetic of a 2100-bounded term could overflow.
#pragma once

#include "core/error.hpp"

#include <cstdint>
#include <string>
#include <optional>

namespace dps::money {

using pence = std::int64_t;

inline constexpr pence kMaxHourlyRate = 100'000;       // £1,000 an hour
inline constexpr pence kMaxWeeklyCost = 5'000'000;     // £50,000 a week
inline constexpr pence kMaxAmount = 100'000'000'000;   // £1bn: any one value, fee, cost or authority

// nullopt on overflow of int64, or when the result is past ±kMaxAmount.
inline std::optional<pence> bounded(std::optional<pence> v)
{
    if (!v || *v > kMaxAmount || *v < -kMaxAmount) return std::nullopt;
    return v;
}
inline std::optional<pence> add(pence a, pence b)
{
    pence out = 0;
    if (__builtin_add_overflow(a, b, &out)) return std::nullopt;
    return bounded(out);
}
inline std::optional<pence> sub(pence a, pence b)
{
    pence out = 0;
    if (__builtin_sub_overflow(a, b, &out)) return std::nullopt;
    return bounded(out);
}
inline std::optional<pence> mul(pence a, std::int64_t b)
{
    pence out = 0;
    if (__builtin_mul_overflow(a, b, &out)) return std::nullopt;
    return bounded(out);
}
// amount x part / whole, to the nearest penny (halves up), without overflow in between: a fee for
// part of a year. whole > 0 and 0 <= part <= whole.
__extension__ typedef __int128 wide_pence; // GCC and Clang's 128-bit integer, for products that may pass int64

inline pence pro_rata(pence amount, std::int64_t part, std::int64_t whole)
{
    const wide_pence scaled = static_cast<wide_pence>(amount) * part + whole / 2;
    return static_cast<pence>(scaled / whole);
}
// Chains that stop at the first failure: add(a, b) where either side may already have failed.
inline std::optional<pence> add(std::optional<pence> a, std::optional<pence> b) { return a && b ? add(*a, *b) : std::nullopt; }
inline std::optional<pence> sub(std::optional<pence> a, std::optional<pence> b) { return a && b ? sub(*a, *b) : std::nullopt; }
inline std::optional<pence> mul(std::optional<pence> a, std::int64_t b) { return a ? mul(*a, b) : std::nullopt; }

// 422 naming the input whose arithmetic left the bounds.
inline error out_of_range(const std::string& field)
{
    return make_error(error_kind::unprocessable, "value_out_of_range",
                      field + ": the value this gives is beyond what the platform accepts (at most £1,000,000,000 in all)");
}

// "£310,000.00": pence as a committee report writes pounds (decision reasons and error messages).
std::string pounds(pence amount);
// "310000.00": pounds with two decimals and no symbol or grouping, for a spreadsheet's number column.
std::string decimal_pounds(pence amount);

} // namespace dps::money
