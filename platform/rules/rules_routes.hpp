// HTTP endpoints for a tenant's plugin: the active version, its versions, upload, roll back, try a hook.
#pragma once

namespace dps::auth { class access_guard; }

namespace dps::rules {

class rules_service;

void add_rules_routes(auth::access_guard& guard, rules_service& rules);

} // namespace dps::rules
