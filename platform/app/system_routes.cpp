// Health, readiness, version, the OpenAPI document and metrics.
#include "app/system_routes.hpp"

#include "app/openapi.hpp"
#include "app/version.hpp"
#include "core/digest.hpp"
#include "auth/access_guard.hpp"
#include "db/database.hpp"
#include "db/migrations.hpp"
#include "http/json_io.hpp"
#include "metrics/metrics.hpp"
#include "plugins/plugin_host.hpp"

#include <boost/json.hpp>

namespace dps::app {

void add_system_routes(auth::access_guard& routes, db::database& db)
{
    // Liveness only: a constant body, cheap enough for a load balancer to poll hard.
    routes.add_public("GET", "/healthz", [](http::request&) { return http::response{200, "application/json", R"({"status":"ok"})", {}, false}; },
               {.runs_inline = true});

    routes.add_public("GET", "/readyz", [&db](http::request& req) {
        auto state = db::inspect_schema(db, db::embedded_migrations());
        if (!state) {
            auto e = state.err();
            if (e.kind == error_kind::internal) e = make_error(error_kind::unavailable, "not_ready", "the database cannot be read", e.detail);
            if (e.kind == error_kind::conflict) e.kind = error_kind::unavailable;
            return http::error_response(e, req.request_id);
        }
        if (!state->up_to_date())
            return http::error_response(make_error(error_kind::unavailable, "schema_out_of_date",
                                                   "the database schema is at version " + std::to_string(state->current) +
                                                       "; this server needs " + std::to_string(state->latest) +
                                                       " (run: dpsctl migrate)"),
                                        req.request_id);
        return http::json_response(200, {{"status", "ready"},
                                         {"database", db::backend_name(db.kind())},
                                         {"schema_version", state->current}});
    });

    // The API description, from the document built into this binary. no-cache with an ETag: a client
    // revalidates every time and gets 304 until a deployment changes the document.
    auto document = [](const std::string& text, const char* content_type) {
        const std::string etag = "\"" + sha256_hex(text).substr(0, 32) + "\"";
        return [&text, content_type, etag](http::request& req) {
            std::vector<std::pair<std::string, std::string>> headers{{"ETag", etag}, {"Cache-Control", "no-cache"}};
            if (const auto* match = req.header("if-none-match"); match && (*match == etag || *match == "*"))
                return http::response{304, content_type, {}, std::move(headers), false};
            return http::response{200, content_type, text, std::move(headers), false};
        };
    };
    routes.add_public("GET", "/v1/openapi.json", document(openapi_json(), "application/json"), {.runs_inline = true});
    routes.add_public("GET", "/v1/openapi.yaml", document(openapi_yaml(), "application/yaml"), {.runs_inline = true});

    routes.add_public("GET", "/v1/version", [](http::request&) {
        const auto& migrations = db::embedded_migrations();
        return http::json_response(200, {{"name", "dpsd"},
                                         {"version", kVersion},
                                         {"schema_version", migrations.empty() ? 0 : migrations.back().version}});
    }, {.runs_inline = true});
}

void add_metrics_route(auth::access_guard& guard, metrics::registry& counted, metrics::access who,
                       std::vector<std::pair<std::string, const db::database*>> pools, const plugins::plugin_host& plugins)
{
    if (who == metrics::access::off) return; // the router's own 404

    counted.add_collector([pools = std::move(pools)](metrics::exposition& out) {
        std::vector<std::pair<std::string_view, db::database::pool_stats>> now;
        for (const auto& [name, db] : pools) now.emplace_back(name, db->stats());
        auto each = [&](const char* family, const char* type, const char* help, auto value) {
            out.family(family, type, help);
            for (const auto& [name, s] : now) value(name, s);
        };
        each("dps_db_pool_connections", "gauge", "Database connections: in_use by a unit of work, idle in the pool, capacity.",
             [&](std::string_view pool, const db::database::pool_stats& s) {
                 out.sample("dps_db_pool_connections", {{"pool", pool}, {"state", "in_use"}}, static_cast<std::uint64_t>(s.in_use));
                 out.sample("dps_db_pool_connections", {{"pool", pool}, {"state", "idle"}}, static_cast<std::uint64_t>(s.idle));
                 out.sample("dps_db_pool_connections", {{"pool", pool}, {"state", "capacity"}}, static_cast<std::uint64_t>(s.capacity));
             });
        each("dps_db_pool_waits_total", "counter", "Units of work that found every connection busy and waited.",
             [&](std::string_view pool, const db::database::pool_stats& s) { out.sample("dps_db_pool_waits_total", {{"pool", pool}}, s.waits); });
        each("dps_db_pool_wait_seconds_total", "counter", "Time units of work spent waiting for a connection.",
             [&](std::string_view pool, const db::database::pool_stats& s) {
                 out.sample("dps_db_pool_wait_seconds_total", {{"pool", pool}}, s.wait_seconds);
             });
        each("dps_db_pool_timeouts_total", "counter", "Waits for a connection that gave up (answered 503 database_busy).",
             [&](std::string_view pool, const db::database::pool_stats& s) { out.sample("dps_db_pool_timeouts_total", {{"pool", pool}}, s.timeouts); });
        each("dps_db_transaction_retries_total", "counter",
             "Units of work run again: after a serialization failure or deadlock (conflict), or on a fresh connection "
             "after finding a pooled one dead (reconnect).",
             [&](std::string_view pool, const db::database::pool_stats& s) {
                 out.sample("dps_db_transaction_retries_total", {{"pool", pool}, {"reason", "conflict"}}, s.conflict_retries);
                 out.sample("dps_db_transaction_retries_total", {{"pool", pool}, {"reason", "reconnect"}}, s.reconnect_retries);
             });
    });
    counted.add_collector([&plugins](metrics::exposition& out) {
        const auto tenants = plugins.stats_by_tenant();
        out.family("dps_plugin_calls_total", "counter", "Hook calls that ran a tenant's plugin function.");
        for (const auto& t : tenants) out.sample("dps_plugin_calls_total", {{"tenant", t.tenant}}, t.calls);
        out.family("dps_plugin_errors_total", "counter", "Hook calls that failed: a runtime error, a bad return value or a limit.");
        for (const auto& t : tenants) out.sample("dps_plugin_errors_total", {{"tenant", t.tenant}}, t.failures);
        out.family("dps_plugin_budget_kills_total", "counter", "Hook calls stopped by the instruction, memory or time limit.");
        for (const auto& t : tenants) out.sample("dps_plugin_budget_kills_total", {{"tenant", t.tenant}}, t.limit_kills);
    });

    guard.add_public("GET", "/metrics", [&counted, who](http::request& req) {
        // Not found rather than forbidden: from outside, the route does not exist.
        if (who == metrics::access::loopback && !metrics::is_loopback(req.remote))
            return http::error_response(make_error(error_kind::not_found, "not_found", "no such resource: " + req.path), req.request_id);
        return http::response{200, "text/plain; version=0.0.4; charset=utf-8", counted.render(), {}, false};
    }, {.runs_inline = true});
}

} // namespace dps::app
