// HTTP endpoints for DPSs, lots, provider profiles, applications, access agreements, spend authorities.
#pragma once

namespace dps::auth { class access_guard; }

namespace dps::purchasing {

class dps_service;
class agreement_service;

void add_dps_routes(auth::access_guard& guard, dps_service& dps);
void add_agreement_routes(auth::access_guard& guard, agreement_service& agreements, dps_service& dps);

} // namespace dps::purchasing
