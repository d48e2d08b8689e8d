// Reads and validates what a hook returned, raw (no metamethods run), into typed values.
// Each reader returns false and sets `problem` to a readable sentence on a bad value.
#pragma once

#include "plugins/plugin_types.hpp"

#include <span>
#include <string>
#include <vector>

struct lua_State;

namespace dps::plugins::detail {

// With lead_lot_codes null, maps_to is not checked against the lead's lots.
bool read_lots(lua_State* L, int results, const std::span<const std::string>* lead_lot_codes,
               std::vector<lot_definition>& out, std::string& problem);
bool read_fee(lua_State* L, int results, pence& out, std::string& problem);
bool read_notice_months(lua_State* L, int results, int& out, std::string& problem);
bool read_route(lua_State* L, int results, std::vector<approval_step>& out, std::string& problem);
bool read_eligibility(lua_State* L, int results, eligibility& out, std::string& problem);
bool read_score(lua_State* L, int results, double& out, std::string& problem);
bool read_rate(lua_State* L, int results, pence& out, std::string& problem);
bool read_spend_authority(lua_State* L, int results, std::optional<spend_authority>& out, std::string& problem);
bool read_percent(lua_State* L, int results, int& out, std::string& problem);

// Checks a route the platform built itself (the default) by the same rules.
bool valid_authority_list(const std::vector<approval_step>& route, std::string& problem);

} // namespace dps::plugins::detail
