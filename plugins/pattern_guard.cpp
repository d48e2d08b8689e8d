// Guarded wrappers for the string library's pattern functions.
#include "plugins/pattern_guard.hpp"

#include <lua.hpp>

#include <cmath>

namespace dps::plugins::detail {

namespace {

int repetition_items(std::string_view pattern) noexcept
{
    int items = 0;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        const char c = pattern[i];
        if (c == '%') {
            ++i; // an escaped character or class is never a quantifier
        } else if (c == '[') {
            // Skip the set: a ']' right after '[' or '[^' is literal.
            ++i;
            if (i < pattern.size() && pattern[i] == '^')
                ++i;
            if (i < pattern.size() && pattern[i] == ']')
                ++i;
            while (i < pattern.size() && pattern[i] != ']') {
                if (pattern[i] == '%')
                    ++i;
                ++i;
            }
        } else if (c == '*' || c == '+' || c == '-' || c == '?') {
            ++items;
        }
    }
    return items;
}

int guarded_call(lua_State* L, bool plain_allowed)
{
    std::size_t subject_size = 0, pattern_size = 0;
    const char* subject = luaL_checklstring(L, 1, &subject_size);
    const char* pattern = luaL_checklstring(L, 2, &pattern_size);
    const bool plain = plain_allowed && lua_toboolean(L, 4);
    if (!plain && pattern_work_bound({subject, subject_size}, {pattern, pattern_size}) > max_pattern_work)
        return luaL_error(L, "pattern too costly for a %d-byte subject: shorten the subject or simplify the pattern",
                          static_cast<int>(subject_size));
    const int nargs = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, nargs, LUA_MULTRET);
    return lua_gettop(L);
}

int guarded_find(lua_State* L) { return guarded_call(L, true); }
int guarded_other(lua_State* L) { return guarded_call(L, false); }

} // namespace

double pattern_work_bound(std::string_view subject, std::string_view pattern) noexcept
{
    const bool anchored = !pattern.empty() && pattern.front() == '^';
    const int exponent = repetition_items(pattern) + (anchored ? 0 : 1);
    const double length = subject.size() < 1 ? 1.0 : static_cast<double>(subject.size());
    return std::pow(length, exponent);
}

void guard_patterns(lua_State* L, int index)
{
    index = lua_absindex(L, index);
    const char* names[] = {"find", "match", "gmatch", "gsub"};
    for (const char* name : names) {
        lua_getfield(L, index, name);
        lua_pushcclosure(L, name[0] == 'f' ? guarded_find : guarded_other, 1);
        lua_setfield(L, index, name);
    }
}

} // namespace dps::plugins::detail
