// Formats plugin failures so an operator can go straight to the file and line.
#include "plugins/plugin_error.hpp"

namespace dps::plugins::detail {

dps::error plugin_error(dps::error_kind kind, const hook_origin& origin, std::string_view what, std::string detail)
{
    std::string message = "plugin for tenant '";
    message.append(origin.tenant).append("', hook ").append(origin.hook).append(" (").append(origin.file);
    if (origin.line > 0)
        message.append(":").append(std::to_string(origin.line));
    message.append("): ").append(what);
    return dps::make_error(kind, std::string(plugin_error_code), std::move(message), std::move(detail));
}

} // namespace dps::plugins::detail
