#include "reports/reports_routes.hpp"

#include "auth/access_guard.hpp"
#include "auth/route_table.hpp"
#include "http/json_io.hpp"
#include "http/query.hpp"
#include "http/replies.hpp"
#include "identity/acting_for.hpp"
#include "reports/reports_service.hpp"

#include <boost/json.hpp>

namespace dps::reports {
namespace {

using http::request, http::response;
using identity::by;

enum class format { json, csv };

// ?format= wins; else Accept naming text/csv (and not JSON first) asks for CSV.
result<format> format_of(const request& req, const http::query_params& q)
{
    if (auto f = q.text("format")) {
        if (*f == "csv") return format::csv;
        if (*f == "json") return format::json;
        return http::invalid_parameter("format", "csv or json");
    }
    const std::string* accept = req.header("accept");
    if (accept && accept->find("text/csv") != std::string::npos &&
        (accept->find("application/json") == std::string::npos || accept->find("text/csv") < accept->find("application/json")))
        return format::csv;
    return format::json;
}

template <class Report>
response answer(const request& req, const result<Report>& r, format f, const std::string& file_name)
{
    if (!r) return http::error_response(r.err(), req.request_id);
    if (f == format::json) return http::reply(req, r);
    response out;
    out.content_type = "text/csv; charset=utf-8";
    out.body = to_csv(*r);
    out.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + file_name + ".csv\"");
    return out;
}

} // namespace

response reports_handlers::dps_vs_spot(request& req, const principal& p)
{
    auto q = http::query_params::parse(req.query, {"financial_year", "dps_id", "format"});
    if (!q) return http::error_response(q.err(), req.request_id);
    auto f = format_of(req, *q);
    if (!f) return http::error_response(f.err(), req.request_id);
    auto year = q->integer("financial_year", 2000, 2100);
    if (!year) return http::error_response(year.err(), req.request_id);
    if (!*year) return http::error_response(http::invalid_parameter("financial_year", "required: the year it starts in (2025 is April 2025 to March 2026)"), req.request_id);
    auto dps_id = q->id("dps_id");
    if (!dps_id) return http::error_response(dps_id.err(), req.request_id);
    const int fy = static_cast<int>(**year);
    return answer(req, reports_.dps_vs_spot(by(req, p), fy, *dps_id), *f,
                  "dps-vs-spot-" + std::to_string(fy) + (*dps_id ? "-dps-" + std::to_string(**dps_id) : ""));
}

namespace {

std::vector<auth::route_row<reports_handlers>> routes()
{
    using h = reports_handlers;
    return {
        {"GET", "/v1/reports/dps-vs-spot", auth::kCouncilRoles, nullptr, &h::dps_vs_spot},
    };
}

} // namespace

void add_reports_routes(auth::access_guard& guard, reports_service& reports)
{
    auth::add_route_table(guard, reports_handlers{reports}, routes());
}

} // namespace dps::reports
