// Operational endpoints: liveness, readiness, version.
#pragma once

namespace dps::auth { class access_guard; }
namespace dps::db { class database; }

namespace dps::app {

// GET /healthz: the process answers. GET /readyz: the database is reachable and the schema current.
// GET /v1/version: build and schema versions.
void add_system_routes(auth::access_guard& guard, db::database& db);

} // namespace dps::app
