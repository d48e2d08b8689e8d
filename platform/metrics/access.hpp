// Who may read GET /metrics: the setting DPS_METRICS_ACCESS.
#pragma once

namespace dps::metrics {

// loopback: a Prometheus on the same host or through an SSH tunnel (the default); any: the port is
// firewalled to the monitoring network; off: GET /metrics answers 404.
enum class access { loopback, any, off };

} // namespace dps::metrics
