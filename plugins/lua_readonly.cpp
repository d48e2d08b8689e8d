// Read-only proxies: an empty table whose protected metatable forwards reads to the backing
// table and raises on writes. The functions below keep only trivially destructible locals,
// because a Lua error longjmps through them.
#include "plugins/lua_readonly.hpp"

#include <boost/json.hpp>
#include <lua.hpp>

namespace dps::plugins::detail {

namespace {

constexpr int max_depth = 32;

int readonly_write(lua_State* L)
{
    return luaL_error(L, "attempt to modify a read-only table");
}

// Pushes the backing table of the proxy at `index`, or returns false if it is not a proxy.
bool push_backing(lua_State* L, int index)
{
    if (lua_type(L, index) != LUA_TTABLE || !lua_getmetatable(L, index))
        return false;
    lua_getfield(L, -1, "__newindex");
    const bool is_proxy = lua_tocfunction(L, -1) == readonly_write;
    lua_pop(L, 1);
    if (!is_proxy) {
        lua_pop(L, 1);
        return false;
    }
    lua_getfield(L, -1, "__index");
    lua_remove(L, -2);
    return true;
}

int readonly_len(lua_State* L)
{
    if (!push_backing(L, 1))
        return luaL_error(L, "not a read-only table");
    lua_pushinteger(L, static_cast<lua_Integer>(lua_rawlen(L, -1)));
    return 1;
}

int readonly_pairs(lua_State* L)
{
    lua_pushcfunction(L, readonly_aware_next);
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

void push_object(lua_State* L, const boost::json::object& object, int depth);

void push_json(lua_State* L, const boost::json::value& value, int depth)
{
    if (depth > max_depth)
        luaL_error(L, "plugin argument nested more than %d levels", max_depth);
    luaL_checkstack(L, 4, "plugin argument");
    switch (value.kind()) {
    case boost::json::kind::null: lua_pushnil(L); return;
    case boost::json::kind::bool_: lua_pushboolean(L, value.get_bool() ? 1 : 0); return;
    case boost::json::kind::int64: lua_pushinteger(L, static_cast<lua_Integer>(value.get_int64())); return;
    case boost::json::kind::uint64: {
        const std::uint64_t u = value.get_uint64();
        if (u <= static_cast<std::uint64_t>(LUA_MAXINTEGER))
            lua_pushinteger(L, static_cast<lua_Integer>(u));
        else
            lua_pushnumber(L, static_cast<lua_Number>(u));
        return;
    }
    case boost::json::kind::double_: lua_pushnumber(L, value.get_double()); return;
    case boost::json::kind::string: {
        const boost::json::string& s = value.get_string();
        lua_pushlstring(L, s.data(), s.size());
        return;
    }
    case boost::json::kind::array: {
        const boost::json::array& a = value.get_array();
        lua_createtable(L, static_cast<int>(a.size()), 0);
        lua_Integer i = 1;
        for (const boost::json::value& element : a) {
            push_json(L, element, depth + 1);
            lua_rawseti(L, -2, i++);
        }
        make_readonly(L);
        return;
    }
    case boost::json::kind::object: push_object(L, value.get_object(), depth); return;
    }
}

void push_object(lua_State* L, const boost::json::object& object, int depth)
{
    lua_createtable(L, 0, static_cast<int>(object.size()));
    for (const boost::json::key_value_pair& field : object) {
        lua_pushlstring(L, field.key().data(), field.key().size());
        push_json(L, field.value(), depth + 1);
        lua_rawset(L, -3);
    }
    make_readonly(L);
}

} // namespace

int readonly_aware_next(lua_State* L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 2);
    if (push_backing(L, 1))
        lua_replace(L, 1);
    if (lua_next(L, 1))
        return 2;
    lua_pushnil(L);
    return 1;
}

void make_readonly(lua_State* L)
{
    // Stack: backing -> backing, proxy, metatable
    lua_createtable(L, 0, 0);
    lua_createtable(L, 0, 5);
    lua_pushvalue(L, -3);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, readonly_write);
    lua_setfield(L, -2, "__newindex");
    lua_pushcfunction(L, readonly_len);
    lua_setfield(L, -2, "__len");
    lua_pushcfunction(L, readonly_pairs);
    lua_setfield(L, -2, "__pairs");
    lua_pushliteral(L, "read-only");
    lua_setfield(L, -2, "__metatable"); // getmetatable() sees a string; setmetatable() is refused
    lua_setmetatable(L, -2);
    lua_remove(L, -2);
}

void push_readonly_json(lua_State* L, const boost::json::value& value)
{
    push_json(L, value, 0);
}

void push_readonly_object(lua_State* L, const boost::json::object& object)
{
    luaL_checkstack(L, 4, "plugin argument");
    push_object(L, object, 0);
}

} // namespace dps::plugins::detail
