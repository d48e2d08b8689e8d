// Handlers for /v1/tenants/{tenant_id}/plugin…, and their table.
#include "rules/rules_routes.hpp"

#include "auth/access_guard.hpp"
#include "http/json_input.hpp"
#include "http/json_io.hpp"
#include "http/replies.hpp"
#include "identity/acting_for.hpp"
#include "auth/route_table.hpp"
#include "rules/rules_service.hpp"

#include <boost/json.hpp>

#include <climits>

namespace dps::rules {
namespace {

using auth::role;
using http::reply, http::reply_list, http::request, http::response, http::with_id;
using identity::by;

boost::json::value report_json(const plugins::fixture_report& report)
{
    boost::json::array cases;
    for (const auto& c : report.cases) cases.push_back({{"name", c.name}, {"hook", c.hook}, {"passed", c.passed}});
    return {{"passed", report.passed()}, {"failed", report.failed()}, {"cases", std::move(cases)}};
}

// A new plugin version: its Lua source, the fixtures it must pass and the uploaded file's name.
struct upload_request {
    std::string source;
    std::optional<boost::json::value> fixtures;
    std::string file_name;
};
result<upload_request> read_upload(const request& req)
{
    auto o = http::object_with_fields(req.json, {"source", "fixtures", "file_name"});
    if (!o) return o.err();
    auto source = http::required_string(**o, "source", 1, 256 * 1024);
    if (!source) return source.err();
    auto file = http::optional_string(**o, "file_name", 200);
    if (!file) return file.err();
    std::optional<boost::json::value> fixtures;
    if (const auto* f = (*o)->if_contains("fixtures")) {
        if (!f->is_object()) return http::invalid_field("fixtures", "must be an object with \"cases\"");
        fixtures = *f;
    }
    return upload_request{*source, std::move(fixtures), file->value_or("")};
}

// A hook to try on the active plugin, and its arguments.
struct evaluate_request {
    std::string hook;
    boost::json::array args;
};
result<evaluate_request> read_evaluate(const request& req)
{
    auto o = http::object_with_fields(req.json, {"hook", "args"});
    if (!o) return o.err();
    auto hook = http::required_string(**o, "hook", 1, 64);
    if (!hook) return hook.err();
    boost::json::array args;
    if (const auto* a = (*o)->if_contains("args")) {
        if (!a->is_array()) return http::invalid_field("args", "must be a list");
        args = a->get_array();
    }
    return evaluate_request{*hook, std::move(args)};
}

} // namespace

using response = rules_handlers::response;

response rules_handlers::active(request& req, const principal& p)
{
    return with_id(req, "tenant_id", [&](std::int64_t id) { return reply(req, rules_.active(by(req, p), id)); });
}

response rules_handlers::versions(request& req, const principal& p)
{
    return with_id(req, "tenant_id", [&](std::int64_t id) { return reply_list(req, rules_.versions(by(req, p), id)); });
}

response rules_handlers::upload(request& req, const principal& p)
{
    return with_id(req, "tenant_id", [&](std::int64_t id) {
        auto in = read_upload(req);
        if (!in) return http::error_response(in.err(), req.request_id);
        auto uploaded = rules_.upload(by(req, p), id, in->source, in->fixtures, in->file_name);
        if (!uploaded) return http::error_response(uploaded.err(), req.request_id);
        auto body = to_json(uploaded->version).as_object();
        body["hooks"] = boost::json::value_from(uploaded->plugin.hooks);
        body["fixtures"] = report_json(uploaded->fixtures);
        return http::json_response(201, body);
    });
}

response rules_handlers::activate(request& req, const principal& p)
{
    return with_id(req, "tenant_id", [&](std::int64_t id) {
        auto version = http::id_param(req.param("version"));
        if (!version || *version > INT_MAX)
            return http::error_response(make_error(error_kind::not_found, "not_found", "no such plugin version"), req.request_id);
        return reply(req, rules_.activate(by(req, p), id, static_cast<int>(*version)));
    });
}

response rules_handlers::evaluate(request& req, const principal&)
{
    return with_id(req, "tenant_id", [&](std::int64_t id) {
        auto in = read_evaluate(req);
        if (!in) return http::error_response(in.err(), req.request_id);
        auto out = rules_.evaluate(id, in->hook, in->args);
        if (!out) return http::error_response(out.err(), req.request_id);
        return http::json_response(200, {{"hook", in->hook}, {"result", *out}});
    });
}

namespace {

// The table: {method, path, roles, scope parameter, handler, flags} (auth/route_table.hpp).
std::vector<auth::route_row<rules_handlers>> routes()
{
    using h = rules_handlers;
    using namespace auth::route_flags;
    return {
        {"GET", "/v1/tenants/{tenant_id}/plugin", {}, "tenant_id", &h::active, any_member},
        {"GET", "/v1/tenants/{tenant_id}/plugin/versions", {role::tenant_admin, role::auditor}, "tenant_id", &h::versions},
        {"POST", "/v1/tenants/{tenant_id}/plugin/versions", {role::tenant_admin}, "tenant_id", &h::upload, json},
        {"POST", "/v1/tenants/{tenant_id}/plugin/versions/{version}/activate", {role::tenant_admin}, "tenant_id", &h::activate},
        {"POST", "/v1/tenants/{tenant_id}/plugin/evaluate", {role::tenant_admin, role::commissioner}, "tenant_id", &h::evaluate, json},
    };
}

} // namespace

void add_rules_routes(auth::access_guard& guard, rules_service& rules)
{
    auth::add_route_table(guard, rules_handlers{rules}, routes());
}

} // namespace dps::rules
