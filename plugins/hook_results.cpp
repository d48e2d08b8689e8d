// Validation of hook return values. Tables are read with raw access so no script code runs
// outside the budget; unknown fields are refused so a typo never passes silently.
#include "plugins/hook_results.hpp"

#include "core/money.hpp"
#include "plugins/iso_date.hpp"

#include <lua.hpp>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <string_view>

namespace dps::plugins::detail {

namespace {

std::string describe(lua_State* L, int index)
{
    switch (lua_type(L, index)) {
    case LUA_TNIL: return "nil";
    case LUA_TBOOLEAN: return lua_toboolean(L, index) ? "true" : "false";
    case LUA_TSTRING: return "the string '" + std::string(lua_tostring(L, index)) + "'";
    case LUA_TNUMBER:
        if (lua_isinteger(L, index))
            return "the integer " + std::to_string(lua_tointeger(L, index));
        return "the float " + std::to_string(lua_tonumber(L, index));
    default: return std::string("a ") + luaL_typename(L, index);
    }
}

// Pushes t[key] (raw) and returns its type.
int field(lua_State* L, int table, const char* key)
{
    lua_pushstring(L, key);
    return lua_rawget(L, table);
}

bool only_fields(lua_State* L, int table, std::initializer_list<std::string_view> allowed, const std::string& what,
                 std::string& problem)
{
    table = lua_absindex(L, table);
    lua_pushnil(L);
    while (lua_next(L, table)) {
        lua_pop(L, 1);
        const bool known = lua_type(L, -1) == LUA_TSTRING &&
                           std::find(allowed.begin(), allowed.end(), std::string_view(lua_tostring(L, -1))) !=
                               allowed.end();
        if (!known) {
            problem = what + " has an unknown field " + describe(L, -1);
            lua_pop(L, 1);
            return false;
        }
    }
    return true;
}

// The raw length of a table that must be a plain sequence 1..n; -1 (with problem set) otherwise.
lua_Integer sequence_length(lua_State* L, int table, const std::string& what, std::string& problem)
{
    table = lua_absindex(L, table);
    const auto length = static_cast<lua_Integer>(lua_rawlen(L, table));
    lua_Integer keys = 0;
    lua_pushnil(L);
    while (lua_next(L, table)) {
        lua_pop(L, 1);
        ++keys;
        if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1 || lua_tointeger(L, -1) > length) {
            problem = what + " must be a list, but has the key " + describe(L, -1);
            lua_pop(L, 1);
            return -1;
        }
    }
    if (keys != length) {
        problem = what + " must be a list without holes";
        return -1;
    }
    return length;
}

bool read_string_field(lua_State* L, int table, const char* key, bool required, const std::string& what,
                       std::optional<std::string>& out, std::string& problem)
{
    table = lua_absindex(L, table);
    const int type = field(L, table, key);
    if (type == LUA_TNIL && !required) {
        lua_pop(L, 1);
        return true;
    }
    if (type != LUA_TSTRING || lua_rawlen(L, -1) == 0) {
        problem = what + "." + key + " must be a non-empty string, not " + describe(L, -1);
        lua_pop(L, 1);
        return false;
    }
    out = lua_tostring(L, -1);
    lua_pop(L, 1);
    return true;
}

bool read_integer(lua_State* L, int index, const std::string& what, lua_Integer low, lua_Integer high,
                  std::int64_t& out, std::string& problem)
{
    if (lua_type(L, index) != LUA_TNUMBER || !lua_isinteger(L, index)) {
        problem = what + " must be an integer" +
                  (lua_type(L, index) == LUA_TNUMBER ? " (money and counts are never floats)" : "") + ", not " +
                  describe(L, index);
        return false;
    }
    const lua_Integer value = lua_tointeger(L, index);
    if (value < low || value > high) {
        problem = what + " must be between " + std::to_string(low) + " and " + std::to_string(high) + ", not " +
                  std::to_string(value);
        return false;
    }
    out = value;
    return true;
}

bool one_of(const std::optional<std::string>& value, std::initializer_list<std::string_view> allowed,
            const std::string& what, std::string& problem)
{
    if (!value || std::find(allowed.begin(), allowed.end(), *value) != allowed.end())
        return true;
    problem = what + " must be one of";
    for (auto name : allowed)
        problem.append(" ").append(name);
    problem += ", not '" + *value + "'";
    return false;
}

bool read_string_list(lua_State* L, int index, const std::string& what, std::vector<std::string>& out,
                      std::string& problem)
{
    if (lua_type(L, index) != LUA_TTABLE) {
        problem = what + " must be a list of strings, not " + describe(L, index);
        return false;
    }
    const lua_Integer n = sequence_length(L, index, what, problem);
    for (lua_Integer i = 1; n >= 0 && i <= n; ++i) {
        const bool is_string = lua_rawgeti(L, index, i) == LUA_TSTRING;
        if (is_string)
            out.emplace_back(lua_tostring(L, -1));
        else
            problem = what + "[" + std::to_string(i) + "] must be a string, not " + describe(L, -1);
        lua_pop(L, 1);
        if (!is_string)
            return false;
    }
    return n >= 0;
}

bool read_requirements_table(lua_State* L, int table, const std::string& where, lot_requirements& out,
                             std::string& problem)
{
    if (!only_fields(L, table,
                     {"regulator", "minimum_rating", "living_wage", "public_liability_pence",
                      "employers_liability_pence", "other"},
                     where, problem) ||
        !read_string_field(L, table, "regulator", false, where, out.regulator, problem) ||
        !one_of(out.regulator, {"cqc", "ofsted"}, where + ".regulator", problem) ||
        !read_string_field(L, table, "minimum_rating", false, where, out.minimum_rating, problem) ||
        !one_of(out.minimum_rating, {"outstanding", "good", "requires_improvement", "inadequate"},
                where + ".minimum_rating", problem) ||
        !read_string_field(L, table, "living_wage", false, where, out.living_wage, problem) ||
        !one_of(out.living_wage, {"london_living_wage", "real_living_wage"}, where + ".living_wage", problem))
        return false;
    const std::pair<const char*, std::optional<pence>*> amounts[] = {
        {"public_liability_pence", &out.public_liability_pence},
        {"employers_liability_pence", &out.employers_liability_pence}};
    for (const auto& [key, target] : amounts) {
        const int top = lua_gettop(L);
        if (field(L, table, key) != LUA_TNIL) {
            std::int64_t amount = 0;
            if (!read_integer(L, -1, where + "." + key, 0, money::kMaxAmount, amount, problem))
                return false;
            *target = amount;
        }
        lua_settop(L, top);
    }
    if (field(L, table, "other") != LUA_TNIL)
        return read_string_list(L, lua_gettop(L), where + ".other", out.other, problem);
    return true;
}

bool read_requirements(lua_State* L, int lot, const std::string& what, lot_requirements& out, std::string& problem)
{
    const int base = lua_gettop(L);
    const int type = field(L, lot, "requirements");
    bool ok = true;
    if (type == LUA_TTABLE)
        ok = read_requirements_table(L, base + 1, what + ".requirements", out, problem);
    else if (type != LUA_TNIL) {
        problem = what + ".requirements must be a table, not " + describe(L, base + 1);
        ok = false;
    }
    lua_settop(L, base);
    return ok;
}

bool read_step(lua_State* L, int index, const std::string& what, approval_step& out, std::string& problem)
{
    index = lua_absindex(L, index);
    if (lua_type(L, index) == LUA_TSTRING) {
        out.authority = lua_tostring(L, index);
    } else if (lua_type(L, index) == LUA_TTABLE) {
        std::optional<std::string> authority;
        if (!only_fields(L, index, {"authority", "in_consultation_with"}, what, problem) ||
            !read_string_field(L, index, "authority", true, what, authority, problem))
            return false;
        out.authority = *authority;
        const int type = field(L, index, "in_consultation_with");
        bool ok = true;
        if (type == LUA_TSTRING) {
            out.in_consultation_with.emplace_back(lua_tostring(L, -1));
        } else if (type == LUA_TTABLE) {
            ok = read_string_list(L, lua_gettop(L), what + ".in_consultation_with", out.in_consultation_with, problem);
        } else if (type != LUA_TNIL) {
            problem = what + ".in_consultation_with must be an authority name or a list of them, not " +
                      describe(L, -1);
            ok = false;
        }
        lua_pop(L, 1);
        if (!ok)
            return false;
    } else {
        problem = what + " must be an authority name or a table {authority = ..., in_consultation_with = ...}, not " +
                  describe(L, index);
        return false;
    }
    return true;
}

bool expect_results(int results, int minimum, const char* what, std::string& problem)
{
    if (results >= minimum)
        return true;
    problem = std::string("returned nothing; expected ") + what;
    return false;
}

} // namespace

bool valid_authority_list(const std::vector<approval_step>& route, std::string& problem)
{
    if (route.empty()) {
        problem = "the approval route must have at least one step";
        return false;
    }
    for (std::size_t i = 0; i < route.size(); ++i) {
        const std::string where = "step " + std::to_string(i + 1);
        if (!is_known_authority(route[i].authority)) {
            problem = where + " names an unknown authority '" + route[i].authority + "'";
            return false;
        }
        for (const std::string& other : route[i].in_consultation_with) {
            if (!is_known_authority(other)) {
                problem = where + " consults an unknown authority '" + other + "'";
                return false;
            }
            if (other == route[i].authority) {
                problem = where + " consults its own authority '" + other + "'";
                return false;
            }
        }
    }
    return true;
}

bool read_lots(lua_State* L, int results, const std::span<const std::string>* lead_lot_codes,
               std::vector<lot_definition>& out, std::string& problem)
{
    if (!expect_results(results, 1, "a list of lots", problem))
        return false;
    if (lua_type(L, 1) != LUA_TTABLE) {
        problem = "must return a list of lots, not " + describe(L, 1);
        return false;
    }
    const lua_Integer n = sequence_length(L, 1, "the list of lots", problem);
    if (n < 0)
        return false;
    for (lua_Integer i = 1; i <= n; ++i) {
        const std::string what = "lot " + std::to_string(i);
        lua_rawgeti(L, 1, i);
        const int lot = lua_gettop(L);
        if (lua_type(L, lot) != LUA_TTABLE) {
            problem = what + " must be a table, not " + describe(L, lot);
            return false;
        }
        lot_definition definition;
        std::optional<std::string> code, name, description;
        if (!only_fields(L, lot, {"code", "name", "description", "maps_to", "requirements"}, what, problem) ||
            !read_string_field(L, lot, "code", true, what, code, problem) ||
            !read_string_field(L, lot, "name", true, what, name, problem) ||
            !read_string_field(L, lot, "description", false, what, description, problem) ||
            !read_string_field(L, lot, "maps_to", false, what, definition.maps_to, problem) ||
            !read_requirements(L, lot, what + " (" + *code + ")", definition.requirements, problem))
            return false;
        lua_settop(L, lot - 1);
        definition.code = *code;
        definition.name = *name;
        definition.description = description.value_or("");
        for (const lot_definition& earlier : out)
            if (earlier.code == definition.code) {
                problem = what + " repeats the lot code '" + definition.code + "'";
                return false;
            }
        if (definition.maps_to && lead_lot_codes &&
            std::find(lead_lot_codes->begin(), lead_lot_codes->end(), *definition.maps_to) == lead_lot_codes->end()) {
            problem = what + " (" + definition.code + ") maps to '" + *definition.maps_to +
                      "', which is not a lot of the lead authority's DPS";
            if (!lead_lot_codes->empty()) {
                problem += " (its lots are";
                for (const std::string& lead : *lead_lot_codes)
                    problem += " " + lead;
                problem += ")";
            }
            return false;
        }
        out.push_back(std::move(definition));
    }
    return true;
}

bool read_fee(lua_State* L, int results, pence& out, std::string& problem)
{
    return expect_results(results, 1, "a fee in pence", problem) &&
           read_integer(L, 1, "the annual fee (pence)", 0, money::kMaxAmount, out, problem);
}

bool read_notice_months(lua_State* L, int results, int& out, std::string& problem)
{
    std::int64_t months = 0;
    if (!expect_results(results, 1, "a notice period in months", problem) ||
        !read_integer(L, 1, "the notice period (months)", 0, 120, months, problem))
        return false;
    out = static_cast<int>(months);
    return true;
}

bool read_route(lua_State* L, int results, std::vector<approval_step>& out, std::string& problem)
{
    if (!expect_results(results, 1, "a list of approval steps", problem))
        return false;
    if (lua_type(L, 1) != LUA_TTABLE) {
        problem = "must return a list of approval steps, not " + describe(L, 1);
        return false;
    }
    const lua_Integer n = sequence_length(L, 1, "the approval route", problem);
    if (n < 0)
        return false;
    for (lua_Integer i = 1; i <= n; ++i) {
        lua_rawgeti(L, 1, i);
        approval_step step;
        const bool ok = read_step(L, -1, "step " + std::to_string(i), step, problem);
        lua_pop(L, 1);
        if (!ok)
            return false;
        out.push_back(std::move(step));
    }
    return valid_authority_list(out, problem);
}

bool read_eligibility(lua_State* L, int results, eligibility& out, std::string& problem)
{
    if (!expect_results(results, 1, "true, or false and a reason", problem))
        return false;
    if (lua_type(L, 1) != LUA_TBOOLEAN) {
        problem = "must return true, or false and a reason, not " + describe(L, 1);
        return false;
    }
    out.eligible = lua_toboolean(L, 1) != 0;
    if (out.eligible)
        return true;
    if (results < 2 || lua_type(L, 2) != LUA_TSTRING || lua_rawlen(L, 2) == 0) {
        problem = "returned false without a reason string (got " + (results < 2 ? std::string("nothing") : describe(L, 2)) + ")";
        return false;
    }
    out.reason = lua_tostring(L, 2);
    return true;
}

bool read_score(lua_State* L, int results, double& out, std::string& problem)
{
    if (!expect_results(results, 1, "a score", problem))
        return false;
    if (lua_type(L, 1) != LUA_TNUMBER) {
        problem = "the score must be a number, not " + describe(L, 1);
        return false;
    }
    out = lua_isinteger(L, 1) ? static_cast<double>(lua_tointeger(L, 1)) : lua_tonumber(L, 1);
    if (!std::isfinite(out)) {
        problem = "the score must be a finite number, not " + describe(L, 1);
        return false;
    }
    return true;
}

bool read_rate(lua_State* L, int results, pence& out, std::string& problem)
{
    return expect_results(results, 1, "an hourly rate in pence", problem) &&
           read_integer(L, 1, "the hourly rate (pence)", 1, money::kMaxHourlyRate, out, problem);
}

bool read_spend_authority(lua_State* L, int results, std::optional<spend_authority>& out, std::string& problem)
{
    if (results == 0 || lua_type(L, 1) == LUA_TNIL) {
        out.reset();
        return true;
    }
    if (lua_type(L, 1) != LUA_TTABLE) {
        problem = "must return nil or a table {limit_pence, from, to, approved_by}, not " + describe(L, 1);
        return false;
    }
    const std::string what = "the spend authority";
    spend_authority authority;
    std::optional<std::string> from, to;
    if (!only_fields(L, 1, {"limit_pence", "from", "to", "approved_by"}, what, problem))
        return false;
    field(L, 1, "limit_pence");
    const bool limit_ok = read_integer(L, -1, what + ".limit_pence", 1, money::kMaxAmount, authority.limit_pence, problem);
    lua_pop(L, 1);
    if (!limit_ok || !read_string_field(L, 1, "from", true, what, from, problem) ||
        !read_string_field(L, 1, "to", true, what, to, problem) ||
        !read_string_field(L, 1, "approved_by", false, what, authority.approved_by, problem))
        return false;
    if (!parse_iso_date(*from) || !parse_iso_date(*to)) {
        problem = what + ".from and .to must be ISO dates (YYYY-MM-DD)";
        return false;
    }
    if (*to < *from) {
        problem = what + " ends (" + *to + ") before it starts (" + *from + ")";
        return false;
    }
    if (authority.approved_by && !is_known_authority(*authority.approved_by)) {
        problem = what + ".approved_by names an unknown authority '" + *authority.approved_by + "'";
        return false;
    }
    authority.from = *from;
    authority.to = *to;
    out = std::move(authority);
    return true;
}

bool read_percent(lua_State* L, int results, int& out, std::string& problem)
{
    std::int64_t percent = 0;
    if (!expect_results(results, 1, "a whole percentage", problem) ||
        !read_integer(L, 1, "the percentage", 0, 100, percent, problem))
        return false;
    out = static_cast<int>(percent);
    return true;
}

} // namespace dps::plugins::detail
