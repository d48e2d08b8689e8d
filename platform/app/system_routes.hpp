// Operational endpoints: liveness, readiness, version, metrics.
#pragma once

#include "metrics/access.hpp"

#include <string>
#include <utility>
#include <vector>

namespace dps::auth { class access_guard; }
namespace dps::db { class database; }
namespace dps::metrics { class registry; }
namespace dps::plugins { class plugin_host; }

namespace dps::app {

// GET /healthz: the process answers. GET /readyz: the database is reachable and the schema current.
// GET /v1/version: build and schema versions. GET /v1/openapi.json and /v1/openapi.yaml: the API document.
void add_system_routes(auth::access_guard& guard, db::database& db);

// GET /metrics in the Prometheus text format: what the server counted into `counted`, and, read at
// each scrape, the database pools (labelled pool="primary", "replica") and every tenant's plugin
// calls. Who may read it: `who`; anyone else gets 404, as if there were no such route. The pools and
// plugins must outlive `counted`.
void add_metrics_route(auth::access_guard& guard, metrics::registry& counted, metrics::access who,
                       std::vector<std::pair<std::string, const db::database*>> pools, const plugins::plugin_host& plugins);

} // namespace dps::app
