// The protected call path: arguments are converted inside the pcall, so a memory error while
// building them is caught like any other, and nothing with a destructor sits in between.
#include "plugins/hook_calls.hpp"

#include "plugins/lua_readonly.hpp"

#include <lua.hpp>

namespace dps::plugins::detail {

namespace {

struct call_request {
    int function_ref = 0;
    const hook_argument* args = nullptr;
    int count = 0;
};

int call_trampoline(lua_State* L)
{
    const auto* request = static_cast<const call_request*>(lua_touserdata(L, 1));
    lua_settop(L, 0);
    luaL_checkstack(L, request->count + 2, "hook arguments");
    lua_rawgeti(L, LUA_REGISTRYINDEX, request->function_ref);
    for (int i = 0; i < request->count; ++i) {
        const hook_argument& argument = request->args[i];
        if (argument.object)
            push_readonly_object(L, *argument.object);
        else
            lua_pushlstring(L, argument.text.data(), argument.text.size());
    }
    lua_call(L, request->count, LUA_MULTRET);
    return lua_gettop(L);
}

} // namespace

raw_call call_hook(tenant_state& state, hook_id id, std::initializer_list<hook_argument> args,
                   const plugin_limits& limits)
{
    lua_State* L = state.state();
    lua_context& ctx = state.box().context();
    const call_request request{state.site(id).ref, args.begin(), static_cast<int>(args.size())};

    lua_settop(L, 0);
    lua_pushcfunction(L, call_trampoline);
    lua_pushlightuserdata(L, const_cast<call_request*>(&request));
    arm_budget(L, limits.instructions, limits.wall_time);
    const int status = lua_pcall(L, 1, LUA_MULTRET, 0);
    raw_call outcome;
    outcome.broken = ctx.broken != limit_kind::none                      ? ctx.broken
                     : status == LUA_ERRMEM || memory_exhausted(ctx.memory) ? limit_kind::memory
                                                                            : limit_kind::none;
    disarm_budget(L);
    outcome.kill_site = ctx.kill_site;
    if (status == LUA_OK && outcome.broken == limit_kind::none) {
        outcome.ok = true;
        outcome.results = lua_gettop(L);
        return outcome;
    }
    if (status != LUA_OK)
        outcome.error = lua_type(L, -1) == LUA_TSTRING
                            ? std::string(lua_tostring(L, -1))
                            : std::string("(error object is a ") + luaL_typename(L, -1) + " value)";
    lua_settop(L, 0);
    return outcome;
}

bool settle_after_call(tenant_state& state, bool failed, const plugin_limits& limits)
{
    lua_State* L = state.state();
    lua_settop(L, 0);
    if (!failed)
        return true;
    lua_gc(L, LUA_GCCOLLECT);
    return state.memory_bytes() <= limits.memory_bytes / 2;
}

} // namespace dps::plugins::detail
