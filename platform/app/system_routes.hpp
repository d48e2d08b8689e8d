// Operational endpoints: liveness, readiness, version.
#pragma once

#include "http/router.hpp"

namespace dps::db { class database; }

namespace dps::app {

// GET /healthz: the process answers. GET /readyz: the database is reachable and the schema current.
// GET /v1/version: build and schema versions.
void add_system_routes(http::router& routes, db::database& db);

} // namespace dps::app
