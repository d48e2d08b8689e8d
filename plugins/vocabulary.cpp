// The platform-wide names plugins may use: hooks and approval authorities.
#include "plugins/plugin_types.hpp"

#include "plugins/hooks.hpp"

#include <algorithm>

namespace dps::plugins {

const std::vector<std::string>& known_authorities()
{
    // Bodies and officers that hold delegated authority in the councils' schemes of delegation.
    static const std::vector<std::string> names = {
        "cabinet",              // key decisions (Haringey: contracts of 500,000 pounds or more)
        "lead_member",          // the portfolio-holding cabinet member
        "director_childrens_services",
        "corporate_director",   // e.g. Waltham Forest's Corporate Director Children's Social Care
        "executive_director",   // e.g. Peterborough's Executive Director for People and Communities
        "assistant_director",
        "head_of_service",
        "resource_panel",       // a resource allocation panel
        "team_manager",         // a social worker's manager authorising before an agreement progresses
        "budget_holder",
    };
    return names;
}

bool is_known_authority(std::string_view name)
{
    const auto& names = known_authorities();
    return std::find(names.begin(), names.end(), name) != names.end();
}

const std::vector<std::string>& known_hooks()
{
    static const std::vector<std::string> names(detail::hook_names.begin(), detail::hook_names.end());
    return names;
}

} // namespace dps::plugins
