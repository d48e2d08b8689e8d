// Per-call limits inside a Lua state: instruction count, wall clock and the memory flag,
// enforced by a count hook that keeps raising once a limit is broken.
#pragma once

#include "plugins/lua_memory.hpp"

#include <chrono>
#include <cstdint>

struct lua_State;

namespace dps::plugins::detail {

enum class limit_kind { none, instructions, memory, wall_time };

// Lives in the state's extra space (via a pointer) so the C hook can reach it.
struct lua_context {
    memory_budget memory;
    std::uint64_t instruction_limit = 0;
    std::uint64_t instructions_used = 0;
    std::chrono::steady_clock::time_point deadline{};
    limit_kind broken = limit_kind::none;
    char kill_site[96] = {}; // "file:line" where the script was stopped
};

lua_context& context_of(lua_State* L) noexcept;
void attach_context(lua_State* L, lua_context* context) noexcept;

// Starts a budgeted section: clears flags, turns the memory ceiling and the count hook on.
void arm_budget(lua_State* L, std::uint64_t instructions, std::chrono::milliseconds wall_time) noexcept;
// Ends it: hook off, memory ceiling off (host bookkeeping may allocate freely).
void disarm_budget(lua_State* L) noexcept;

const char* describe(limit_kind kind) noexcept;

} // namespace dps::plugins::detail
