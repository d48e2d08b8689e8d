#include "opendata/ocds_routes.hpp"

#include "auth/access_guard.hpp"
#include "auth/route_table.hpp"
#include "http/json_io.hpp"
#include "http/query.hpp"
#include "identity/acting_for.hpp"
#include "opendata/ocds_service.hpp"

#include <boost/json.hpp>

namespace dps::opendata {

using identity::by;

// dps_id is required: one DPS's package at a time.
ocds_handlers::response ocds_handlers::releases(request& req, const principal& p)
{
    auto q = http::query_params::parse(req.query, {"dps_id"});
    if (!q) return http::error_response(q.err(), req.request_id);
    auto dps_id = q->id("dps_id");
    if (!dps_id) return http::error_response(dps_id.err(), req.request_id);
    if (!*dps_id) return http::error_response(http::invalid_parameter("dps_id", "required: the DPS whose releases to publish"), req.request_id);
    auto package = ocds_.release_package(by(req, p), **dps_id);
    if (!package) return http::error_response(package.err(), req.request_id);
    auto out = http::json_response(200, std::move(*package));
    out.headers.emplace_back("Content-Disposition", "attachment; filename=\"ocds-dps-" + std::to_string(**dps_id) + ".json\"");
    return out;
}

namespace {

std::vector<auth::route_row<ocds_handlers>> routes()
{
    using h = ocds_handlers;
    return {
        {"GET", "/v1/ocds/releases", auth::kCouncilRoles, nullptr, &h::releases},
    };
}

} // namespace

void add_ocds_routes(auth::access_guard& guard, ocds_service& ocds) { auth::add_route_table(guard, ocds_handlers{ocds}, routes()); }

} // namespace dps::opendata
