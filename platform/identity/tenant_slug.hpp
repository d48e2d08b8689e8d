// A tenant's slug from its id: the name the plugin host keys each council's local rules by.
#pragma once

#include "core/result.hpp"

#include <cstdint>
#include <string>

namespace dps::db { class database; }

namespace dps::identity {

// Reads in the platform scope (any service may need another council's rules, e.g. a lead's fee hook
// for a partner's request); not_found if there is no such tenant.
result<std::string> tenant_slug(db::database& db, std::int64_t tenant_id);

} // namespace dps::identity
