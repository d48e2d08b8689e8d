// The count hook: checks the budget every few hundred instructions and, once one is broken,
// re-arms itself to fire on every instruction so a script's own pcall cannot swallow the kill.
#include "plugins/lua_budget.hpp"

#include <lua.hpp>

#include <cstdio>
#include <cstring>

namespace dps::plugins::detail {

namespace {

constexpr int check_interval = 256;

void count_hook(lua_State* L, lua_Debug* ar)
{
    lua_context& ctx = context_of(L);
    if (ctx.broken == limit_kind::none) {
        ctx.instructions_used += check_interval;
        if (memory_exhausted(ctx.memory))
            ctx.broken = limit_kind::memory;
        else if (ctx.memory.refused) // the emergency collection made room: forget the refusal
            ctx.memory.refused = false, ctx.memory.refused_bytes = 0;
        else if (ctx.instructions_used > ctx.instruction_limit)
            ctx.broken = limit_kind::instructions;
        else if (std::chrono::steady_clock::now() > ctx.deadline)
            ctx.broken = limit_kind::wall_time;
        if (ctx.broken == limit_kind::none)
            return;
        if (lua_getinfo(L, "Sl", ar) != 0 && ar->currentline > 0)
            std::snprintf(ctx.kill_site, sizeof ctx.kill_site, "%s:%d", ar->short_src, ar->currentline);
        lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
    }
    // The literal is interned at state creation, so raising needs no allocation.
    lua_pushliteral(L, "plugin stopped: limit exceeded");
    lua_error(L);
}

} // namespace

lua_context& context_of(lua_State* L) noexcept
{
    lua_context* ctx = nullptr;
    std::memcpy(&ctx, lua_getextraspace(L), sizeof ctx);
    return *ctx;
}

void attach_context(lua_State* L, lua_context* context) noexcept
{
    std::memcpy(lua_getextraspace(L), &context, sizeof context);
}

void arm_budget(lua_State* L, std::uint64_t instructions, std::chrono::milliseconds wall_time) noexcept
{
    lua_context& ctx = context_of(L);
    ctx.instruction_limit = instructions;
    ctx.instructions_used = 0;
    ctx.broken = limit_kind::none;
    ctx.kill_site[0] = '\0';
    ctx.memory.refused = false;
    ctx.memory.refused_bytes = 0;
    ctx.memory.enforce = true;
    ctx.deadline = std::chrono::steady_clock::now() + wall_time;
    lua_sethook(L, count_hook, LUA_MASKCOUNT, check_interval);
}

void disarm_budget(lua_State* L) noexcept
{
    lua_sethook(L, nullptr, 0, 0);
    context_of(L).memory.enforce = false;
}

const char* describe(limit_kind kind) noexcept
{
    switch (kind) {
    case limit_kind::none: return "no limit";
    case limit_kind::instructions: return "instruction budget exceeded";
    case limit_kind::memory: return "memory limit exceeded";
    case limit_kind::wall_time: return "time limit exceeded";
    }
    return "limit exceeded";
}

} // namespace dps::plugins::detail
