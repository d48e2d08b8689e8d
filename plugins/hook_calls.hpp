// Runs one hook function inside its sandbox under the per-call budget, through lua_pcall only.
#pragma once

#include "plugins/lua_budget.hpp"
#include "plugins/plugin_types.hpp"
#include "plugins/tenant_state.hpp"

#include <boost/json/object.hpp>

#include <initializer_list>
#include <string>
#include <string_view>

namespace dps::plugins::detail {

// One hook argument: a JSON object (passed as a read-only table) or a string.
struct hook_argument {
    const boost::json::object* object = nullptr;
    std::string_view text;
};

struct raw_call {
    bool ok = false;
    limit_kind broken = limit_kind::none;
    std::string error;     // the Lua error text (runtime errors carry file:line)
    std::string kill_site; // file:line where a limit stopped the script
    int results = 0;       // on success: values left on the stack at 1..results
};

// On success the hook's results are on the stack; the caller reads them and clears the stack.
raw_call call_hook(tenant_state& state, hook_id id, std::initializer_list<hook_argument> args,
                   const plugin_limits& limits);

// Clears the stack and, after a failure, collects garbage; false if the state should be rebuilt
// (it still holds more than half its memory limit).
bool settle_after_call(tenant_state& state, bool failed, const plugin_limits& limits);

} // namespace dps::plugins::detail
