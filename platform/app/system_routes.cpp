// Health, readiness and version handlers.
#include "app/system_routes.hpp"

#include "app/version.hpp"
#include "auth/access_guard.hpp"
#include "db/database.hpp"
#include "db/migrations.hpp"
#include "http/json_io.hpp"

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

    routes.add_public("GET", "/v1/version", [](http::request&) {
        const auto& migrations = db::embedded_migrations();
        return http::json_response(200, {{"name", "dpsd"},
                                         {"version", kVersion},
                                         {"schema_version", migrations.empty() ? 0 : migrations.back().version}});
    }, {.runs_inline = true});
}

} // namespace dps::app
