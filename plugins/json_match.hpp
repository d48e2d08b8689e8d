// Comparison of a hook's result with a fixture's expectation, and typed results as JSON.
#pragma once

#include "plugins/plugin_types.hpp"

#include <boost/json/value.hpp>

#include <string>
#include <vector>

namespace dps::plugins::detail {

// Objects match when every expected key matches (extra actual keys are ignored); arrays match
// element by element; numbers compare by value (an integer never equals a float 'money' value
// unless they are equal). On mismatch, `where` describes the first difference.
bool json_matches(const boost::json::value& expected, const boost::json::value& actual, std::string& where);

boost::json::value to_json(const std::vector<lot_definition>& lots);
boost::json::value to_json(const std::vector<approval_step>& route);
boost::json::value to_json(const eligibility& value);
boost::json::value to_json(const std::optional<spend_authority>& value);

} // namespace dps::plugins::detail
