// A per-state Lua allocator with an exact byte ceiling (the HAProxy approach).
#pragma once

#include <cstddef>

namespace dps::plugins::detail {

struct memory_budget {
    std::size_t allocated = 0;
    std::size_t limit = 0;
    bool enforce = false; // only while plugin code runs; host bookkeeping between calls is exempt
    bool refused = false;          // an allocation was refused since the flag was last cleared
    std::size_t refused_bytes = 0; // the largest growth refused since then
};

// True when a refused allocation still would not fit: Lua's emergency collection retries a
// refused allocation, so a refusal alone does not mean the script is out of memory.
inline bool memory_exhausted(const memory_budget& budget) noexcept
{
    return budget.refused && budget.allocated + budget.refused_bytes > budget.limit;
}

// lua_Alloc for states whose ud is a memory_budget*.
void* budget_alloc(void* ud, void* ptr, std::size_t osize, std::size_t nsize) noexcept;

} // namespace dps::plugins::detail
