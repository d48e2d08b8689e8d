// What a bid costs over the call-off: care priced by the hour (a rate and hours a week) or a
// placement priced by the week, never both, for the package's whole number of weeks. In integer
// pence with checked arithmetic: a total past money::kMaxAmount is a 422 naming the field.
#pragma once

#include "core/result.hpp"

#include <cstdint>
#include <optional>

namespace dps::calloff {

struct offer {
    std::optional<std::int64_t> hourly_rate_pence, hours_per_week, weekly_cost_pence;
};

struct priced_offer {
    offer terms;
    std::int64_t total_pence = 0;
};

// 400 naming the field when the offer mixes or half-gives a pricing; 422 when the total overflows.
result<priced_offer> price(const offer& o, std::int64_t weeks);

} // namespace dps::calloff
