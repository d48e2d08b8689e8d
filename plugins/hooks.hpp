// The hook identifiers shared by the loader, the call path and the validators.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace dps::plugins::detail {

enum class hook_id : std::size_t {
    lots,
    annual_fee,
    termination_notice,
    approval_route,
    eligible,
    score_bid,
    rate_uplift,
    spend_authority,
    max_block_discount_percent,
};

inline constexpr std::size_t hook_count = 9;

inline constexpr std::array<std::string_view, hook_count> hook_names = {
    "lots", "annual_fee", "termination_notice", "approval_route", "eligible",
    "score_bid", "rate_uplift", "spend_authority", "max_block_discount_percent",
};

constexpr std::string_view name_of(hook_id id) noexcept { return hook_names[static_cast<std::size_t>(id)]; }

constexpr std::optional<hook_id> hook_named(std::string_view name) noexcept
{
    for (std::size_t i = 0; i < hook_count; ++i)
        if (hook_names[i] == name)
            return static_cast<hook_id>(i);
    return std::nullopt;
}

} // namespace dps::plugins::detail
