// Guards Lua pattern matching, which runs in C where the instruction budget cannot interrupt it.
#pragma once

#include <cstddef>
#include <string_view>

struct lua_State;

namespace dps::plugins::detail {

// Worst-case backtracking work is about length^(repetition items + 1 if unanchored); refuse
// a match whose bound exceeds this, so a hostile pattern cannot stall a worker in C.
inline constexpr double max_pattern_work = 67'108'864.0; // 2^26 steps

double pattern_work_bound(std::string_view subject, std::string_view pattern) noexcept;

// Replaces string.find, match, gmatch and gsub in the table at `index` with guarded versions.
void guard_patterns(lua_State* L, int index);

} // namespace dps::plugins::detail
