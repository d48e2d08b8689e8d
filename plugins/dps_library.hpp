// The `dps` table of helpers plugins may call: dates, financial years, pounds, ratings.
#pragma once

struct lua_State;

namespace dps::plugins::detail {

// Pushes a new (writable) table holding the helpers; the sandbox wraps it read-only.
void push_dps_library(lua_State* L);

} // namespace dps::plugins::detail
