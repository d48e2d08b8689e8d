// Read-only views for Lua: JSON arguments become proxy tables whose writes raise an error.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

struct lua_State;

namespace dps::plugins::detail {

// Pushes `value` as a Lua value; objects and arrays become read-only proxies, integers stay
// integers, null becomes nil. Raises a Lua error (call only inside a protected call).
void push_readonly_json(lua_State* L, const boost::json::value& value);
void push_readonly_object(lua_State* L, const boost::json::object& object);

// Replaces the table on top of the stack with a read-only proxy of it.
void make_readonly(lua_State* L);

// A `next` that also walks read-only proxies (the plain one would see them as empty).
int readonly_aware_next(lua_State* L);

} // namespace dps::plugins::detail
