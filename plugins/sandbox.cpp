// Builds the environment a plugin sees: a whitelist of safe functions and read-only library
// tables, never the global table with things removed. Also protects the string metatable.
#include "plugins/sandbox.hpp"

#include "plugins/dps_library.hpp"
#include "plugins/lua_readonly.hpp"
#include "plugins/pattern_guard.hpp"

#include <lua.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace dps::plugins::detail {

namespace {

// A Lua error outside any protected call is a host bug; stop rather than longjmp into nowhere.
int on_panic(lua_State* L)
{
    const char* message = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "(no message)";
    std::fprintf(stderr, "dps plugins: unprotected Lua error: %s\n", message);
    std::abort();
}

// The base setmetatable, refusing __gc: a finalizer would run outside any hook call's budget.
int safe_setmetatable(lua_State* L)
{
    const int type = lua_type(L, 2);
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_argexpected(L, type == LUA_TNIL || type == LUA_TTABLE, 2, "nil or table");
    if (type == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        if (lua_rawget(L, 2) != LUA_TNIL) // raw, as the collector looks it up
            return luaL_error(L, "__gc metamethods are not allowed in plugins");
        lua_pop(L, 1);
    }
    if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
        return luaL_error(L, "cannot change a protected metatable");
    lua_settop(L, 2);
    lua_setmetatable(L, 1);
    return 1;
}

// A message handler that stands aside once a limit is broken: Lua runs handlers for errors
// raised by the count hook with hooks disabled, so a looping handler would escape the budget.
int guarded_handler(lua_State* L)
{
    if (context_of(L).broken != limit_kind::none)
        return 1; // pass the kill message through untouched
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

// xpcall with the user's message handler wrapped in guarded_handler.
int safe_xpcall(lua_State* L)
{
    const int nargs = lua_gettop(L);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushvalue(L, 2);
    lua_pushcclosure(L, guarded_handler, 1);
    lua_replace(L, 2);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, nargs, LUA_MULTRET);
    return lua_gettop(L);
}

// Copies every field of the table at `from` into a new table, skipping `except` (may be null).
void push_copy(lua_State* L, int from, const char* except)
{
    from = lua_absindex(L, from);
    lua_newtable(L);
    lua_pushnil(L);
    while (lua_next(L, from)) {
        if (except && lua_type(L, -2) == LUA_TSTRING && std::strcmp(lua_tostring(L, -2), except) == 0) {
            lua_pop(L, 1);
            continue;
        }
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, -4);
    }
}

int build_environment(lua_State* L)
{
    luaL_requiref(L, LUA_GNAME, luaopen_base, 0);       // 1: base functions (the real globals)
    luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 0); // 2
    luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 0);  // 3
    luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 0);  // 4
    luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 0);  // 5
    lua_newtable(L);                                     // 6: the environment
    constexpr int base = 1, string = 2, table = 3, math = 4, utf8 = 5, env = 6;

    const char* base_names[] = {"assert", "error", "getmetatable", "ipairs", "pairs", "pcall",
                                "rawequal", "select", "tonumber", "tostring", "type", "_VERSION"};
    for (const char* name : base_names) {
        lua_getfield(L, base, name);
        lua_setfield(L, env, name);
    }
    lua_pushcfunction(L, readonly_aware_next);
    lua_setfield(L, env, "next");
    lua_pushcfunction(L, safe_setmetatable);
    lua_setfield(L, env, "setmetatable");
    lua_getfield(L, base, "xpcall");
    lua_pushcclosure(L, safe_xpcall, 1);
    lua_setfield(L, env, "xpcall");
    lua_getfield(L, table, "unpack");
    lua_setfield(L, env, "unpack");

    // string: a copy without dump, with guarded patterns; the string metatable indexes the
    // same copy and hides itself, so ("").__index and getmetatable("") reach nothing writable.
    push_copy(L, string, "dump");
    guard_patterns(L, -1);
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    lua_pushvalue(L, -3);
    lua_setfield(L, -2, "__index");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 2);
    make_readonly(L);
    lua_setfield(L, env, "string");

    const struct { int index; const char* name; } libraries[] = {{table, "table"}, {math, "math"}, {utf8, "utf8"}};
    for (const auto& library : libraries) {
        push_copy(L, library.index, nullptr);
        make_readonly(L);
        lua_setfield(L, env, library.name);
    }
    push_dps_library(L);
    make_readonly(L);
    lua_setfield(L, env, "dps");

    lua_pushvalue(L, env);
    lua_setfield(L, env, "_G");
    // Anything that asks for "the globals" gets the sandbox, never the real base table.
    lua_pushvalue(L, env);
    lua_rawseti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
    // Keep the kill message interned so the count hook can raise it without allocating.
    lua_pushliteral(L, "plugin stopped: limit exceeded");
    lua_setfield(L, LUA_REGISTRYINDEX, "dps.kill_message");
    lua_pushvalue(L, env);
    return 1;
}

} // namespace

std::unique_ptr<sandbox> sandbox::create(std::size_t memory_limit)
{
    std::unique_ptr<sandbox> box(new sandbox());
    box->context_.memory.limit = memory_limit;
    box->L_ = lua_newstate(budget_alloc, &box->context_.memory);
    if (!box->L_)
        return nullptr;
    lua_atpanic(box->L_, on_panic);
    attach_context(box->L_, &box->context_);
    box->context_.memory.enforce = true;
    lua_pushcfunction(box->L_, build_environment);
    const int status = lua_pcall(box->L_, 0, 1, 0);
    box->context_.memory.enforce = false;
    if (status != LUA_OK)
        return nullptr;
    box->environment_ref_ = luaL_ref(box->L_, LUA_REGISTRYINDEX);
    // Each call leaves a little short-lived garbage (argument tables): generational collection
    // keeps collecting it cheap, where incremental cycles over the whole state show up at p99.
    lua_gc(box->L_, LUA_GCGEN, 0, 0);
    return box;
}

sandbox::~sandbox()
{
    if (!L_)
        return;
    // Closing runs pending finalizers; bound them even though plugins cannot set __gc.
    arm_budget(L_, 100'000, std::chrono::milliseconds(10));
    lua_close(L_);
}

} // namespace dps::plugins::detail
