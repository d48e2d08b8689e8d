// Loads a plugin chunk into a fresh sandbox and records its hooks.
#include "plugins/tenant_state.hpp"

#include "plugins/plugin_error.hpp"

#include <lua.hpp>

namespace dps::plugins::detail {

namespace {

std::string error_text(lua_State* L)
{
    if (lua_type(L, -1) == LUA_TSTRING)
        return lua_tostring(L, -1);
    return std::string("(error object is a ") + luaL_typename(L, -1) + " value)";
}

} // namespace

result<std::unique_ptr<tenant_state>> tenant_state::load(const plugin_source& plugin, const plugin_limits& limits)
{
    const hook_origin origin{plugin.tenant, "load", plugin.file, 0};
    if (plugin.source.size() > limits.max_source_bytes)
        return plugin_error(error_kind::unprocessable, origin,
                            "source is " + std::to_string(plugin.source.size()) + " bytes, more than the limit of " +
                                std::to_string(limits.max_source_bytes));
    auto box = sandbox::create(limits.memory_bytes);
    if (!box)
        return plugin_error(error_kind::internal, origin, "cannot create a Lua state within the memory limit");
    lua_State* L = box->state();
    const std::string chunk_name = "@" + plugin.file;

    arm_budget(L, limits.instructions, limits.wall_time);
    int status = luaL_loadbufferx(L, plugin.source.data(), plugin.source.size(), chunk_name.c_str(), "t");
    if (status == LUA_OK) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, box->environment_ref());
        lua_setupvalue(L, -2, 1); // the chunk's _ENV is the sandbox, not the real globals
        status = lua_pcall(L, 0, 1, 0);
    }
    const lua_context& ctx = box->context();
    const limit_kind broken = ctx.broken != limit_kind::none                      ? ctx.broken
                              : status == LUA_ERRMEM || memory_exhausted(ctx.memory) ? limit_kind::memory
                                                                                     : limit_kind::none;
    disarm_budget(L);
    if (broken != limit_kind::none)
        return plugin_error(error_kind::unprocessable, origin,
                            std::string("loading the chunk: ") + describe(broken) +
                                (box->context().kill_site[0] ? std::string(" at ") + box->context().kill_site : ""));
    if (status != LUA_OK)
        return plugin_error(error_kind::unprocessable, origin,
                            (status == LUA_ERRSYNTAX ? "syntax error: " : "error loading the chunk: ") + error_text(L));
    if (lua_type(L, -1) != LUA_TTABLE)
        return plugin_error(error_kind::unprocessable, origin,
                            std::string("the chunk must return a table of hooks, not a ") + luaL_typename(L, -1));

    std::unique_ptr<tenant_state> state(new tenant_state());
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        if (lua_type(L, -2) != LUA_TSTRING)
            return plugin_error(error_kind::unprocessable, origin, "the returned table has a non-string key");
        const std::string name = lua_tostring(L, -2);
        const auto id = hook_named(name);
        if (!id)
            return plugin_error(error_kind::unprocessable, origin, "unknown hook '" + name + "'");
        if (lua_type(L, -1) != LUA_TFUNCTION)
            return plugin_error(error_kind::unprocessable, origin,
                                "hook '" + name + "' must be a function, not a " + luaL_typename(L, -1));
        hook_site& site = state->sites_[static_cast<std::size_t>(*id)];
        lua_Debug info{};
        lua_pushvalue(L, -1);
        lua_getinfo(L, ">S", &info);
        site.defined = true;
        site.line = info.linedefined;
        site.ref = luaL_ref(L, LUA_REGISTRYINDEX); // pops the function
    }
    lua_settop(L, 0);
    lua_gc(L, LUA_GCCOLLECT);
    state->box_ = std::move(box);
    return state;
}

} // namespace dps::plugins::detail
