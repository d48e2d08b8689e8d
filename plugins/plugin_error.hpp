// Builds the plugin_error values every plugin failure becomes: tenant, hook, file:line, what.
#pragma once

#include "core/error.hpp"

#include <string>
#include <string_view>

namespace dps::plugins::detail {

// Where a failure belongs: the tenant, the hook (or "load"), and the hook's definition site.
struct hook_origin {
    std::string_view tenant;
    std::string_view hook;
    std::string_view file;
    int line = 0; // 0 when unknown (a hook the plugin does not define, or the chunk itself)
};

inline constexpr std::string_view plugin_error_code = "plugin_error";

dps::error plugin_error(dps::error_kind kind, const hook_origin& origin, std::string_view what,
                        std::string detail = {});

} // namespace dps::plugins::detail
