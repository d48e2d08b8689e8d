// The dps helper functions. They hold no C++ objects when they raise a Lua error: every
// conversion runs in a helper that has returned before luaL_error longjmps.
#include "plugins/dps_library.hpp"

#include "plugins/iso_date.hpp"

#include <lua.hpp>

#include <cstring>

namespace dps::plugins::detail {

namespace {

// Copies an optional string result into `out`; false if there was none.
bool copy_out(const std::optional<std::string>& value, char (&out)[32]) noexcept
{
    if (!value || value->size() >= sizeof out)
        return false;
    std::memcpy(out, value->c_str(), value->size() + 1);
    return true;
}

bool add_months_into(std::string_view date, lua_Integer months, char (&out)[32])
{
    if (months < -120000 || months > 120000)
        return false;
    return copy_out(add_months(date, static_cast<int>(months)), out);
}

bool financial_year_into(std::string_view date, char (&out)[32])
{
    return copy_out(financial_year(date), out);
}

bool parts_of(std::string_view date, int& year, int& month, int& day)
{
    const auto parsed = parse_iso_date(date);
    if (!parsed)
        return false;
    year = static_cast<int>(parsed->year());
    month = static_cast<int>(static_cast<unsigned>(parsed->month()));
    day = static_cast<int>(static_cast<unsigned>(parsed->day()));
    return true;
}

int rating_rank(const char* rating) noexcept
{
    if (std::strcmp(rating, "outstanding") == 0) return 4;
    if (std::strcmp(rating, "good") == 0) return 3;
    if (std::strcmp(rating, "requires_improvement") == 0) return 2;
    if (std::strcmp(rating, "inadequate") == 0) return 1;
    return 0;
}

int l_add_months(lua_State* L)
{
    std::size_t size = 0;
    const char* date = luaL_checklstring(L, 1, &size);
    const lua_Integer months = luaL_checkinteger(L, 2);
    char out[32];
    if (!add_months_into({date, size}, months, out))
        return luaL_error(L, "dps.add_months: '%s' is not an ISO date (YYYY-MM-DD) or the result is out of range", date);
    lua_pushstring(L, out);
    return 1;
}

int l_financial_year(lua_State* L)
{
    std::size_t size = 0;
    const char* date = luaL_checklstring(L, 1, &size);
    char out[32];
    if (!financial_year_into({date, size}, out))
        return luaL_error(L, "dps.financial_year: '%s' is not an ISO date (YYYY-MM-DD)", date);
    lua_pushstring(L, out);
    return 1;
}

int l_date_parts(lua_State* L)
{
    std::size_t size = 0;
    const char* date = luaL_checklstring(L, 1, &size);
    int year = 0, month = 0, day = 0;
    if (!parts_of({date, size}, year, month, day))
        return luaL_error(L, "dps.date_parts: '%s' is not an ISO date (YYYY-MM-DD)", date);
    lua_createtable(L, 0, 3);
    lua_pushinteger(L, year);
    lua_setfield(L, -2, "year");
    lua_pushinteger(L, month);
    lua_setfield(L, -2, "month");
    lua_pushinteger(L, day);
    lua_setfield(L, -2, "day");
    return 1;
}

int l_is_date(lua_State* L)
{
    std::size_t size = 0;
    const char* date = lua_type(L, 1) == LUA_TSTRING ? lua_tolstring(L, 1, &size) : nullptr;
    int year = 0, month = 0, day = 0;
    lua_pushboolean(L, date && parts_of({date, size}, year, month, day) ? 1 : 0);
    return 1;
}

int l_pounds(lua_State* L)
{
    if (!lua_isinteger(L, 1))
        return luaL_error(L, "dps.pounds: expects an integer number of pounds (money is never a float)");
    const lua_Integer pounds = lua_tointeger(L, 1);
    constexpr lua_Integer bound = LUA_MAXINTEGER / 100;
    if (pounds > bound || pounds < -bound)
        return luaL_error(L, "dps.pounds: amount out of range");
    lua_pushinteger(L, pounds * 100);
    return 1;
}

int l_rating_at_least(lua_State* L)
{
    const char* minimum = luaL_checkstring(L, 2);
    const int needed = rating_rank(minimum);
    if (needed == 0)
        return luaL_error(L, "dps.rating_at_least: unknown rating '%s'", minimum);
    if (lua_isnoneornil(L, 1)) {
        lua_pushboolean(L, 0); // not yet rated
        return 1;
    }
    const char* actual = luaL_checkstring(L, 1);
    const int rank = rating_rank(actual);
    if (rank == 0)
        return luaL_error(L, "dps.rating_at_least: unknown rating '%s'", actual);
    lua_pushboolean(L, rank >= needed ? 1 : 0);
    return 1;
}

} // namespace

void push_dps_library(lua_State* L)
{
    const luaL_Reg functions[] = {
        {"add_months", l_add_months},
        {"financial_year", l_financial_year},
        {"date_parts", l_date_parts},
        {"is_date", l_is_date},
        {"pounds", l_pounds},
        {"rating_at_least", l_rating_at_least},
        {nullptr, nullptr},
    };
    luaL_newlib(L, functions);
}

} // namespace dps::plugins::detail
