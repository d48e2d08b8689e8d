// Role names as stored and sent over the API.
#include "auth/roles.hpp"

#include "plugins/plugin_types.hpp"

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

const std::vector<std::string>& known_authorities() { return plugins::known_authorities(); }

bool is_known_authority(std::string_view name) { return plugins::is_known_authority(name); }

} // namespace dps::auth
