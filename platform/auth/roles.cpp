// Role names as stored and sent over the API.
#include "auth/roles.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace dps::auth {
namespace {

constexpr std::array<std::pair<role, std::string_view>, 8> kRoles{{
    {role::tenant_admin, "tenant_admin"},
    {role::commissioner, "commissioner"},
    {role::approver, "approver"},
    {role::contract_manager, "contract_manager"},
    {role::finance, "finance"},
    {role::auditor, "auditor"},
    {role::provider_admin, "provider_admin"},
    {role::bidder, "bidder"},
}};

} // namespace

std::string_view to_string(role r)
{
    for (const auto& [value, name] : kRoles)
        if (value == r) return name;
    return "unknown";
}

std::optional<role> parse_role(std::string_view text)
{
    for (const auto& [value, name] : kRoles)
        if (name == text) return value;
    return std::nullopt;
}

std::string_view to_string(principal_kind k)
{
    switch (k) {
    case principal_kind::operator_: return "operator";
    case principal_kind::council: return "council";
    case principal_kind::provider: return "provider";
    }
    return "unknown";
}

principal_kind holder_of(role r)
{
    return r == role::provider_admin || r == role::bidder ? principal_kind::provider : principal_kind::council;
}

const std::vector<std::string>& known_authorities()
{
    // From the councils' schemes of delegation (DOMAIN.md §5).
    static const std::vector<std::string> all{
        "director_childrens_services", "lead_member", "cabinet", "resource_panel", "executive_director",
        "head_of_service", "budget_holder", "team_manager",
    };
    return all;
}

bool is_known_authority(std::string_view name)
{
    const auto& all = known_authorities();
    return std::find(all.begin(), all.end(), name) != all.end();
}

} // namespace dps::auth
