// Registers the call-off, bid, award and contract routes with the access guard.
#pragma once

namespace dps::auth { class access_guard; }

namespace dps::calloff {

class calloff_service;
class award_service;
class idempotency;

void add_calloff_routes(auth::access_guard& guard, calloff_service& calloffs, award_service& awards, idempotency& once);

} // namespace dps::calloff
