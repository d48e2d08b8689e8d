// Principal helpers.
#include "auth/principal.hpp"

namespace dps::auth {

bool principal::has_role(role r) const
{
    for (const auto& g : roles)
        if (g.granted == r) return true;
    return false;
}

std::string principal::actor() const { return "user:" + std::to_string(user_id); }

db::scope principal::data_scope() const
{
    if (tenant_id) return db::scope::tenant(*tenant_id);
    if (provider_org_id) return db::scope::provider(*provider_org_id);
    return db::scope::operator_desk();
}

} // namespace dps::auth
