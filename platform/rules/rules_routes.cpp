// Handlers for /v1/tenants/{tenant_id}/plugin….
#include "rules/rules_routes.hpp"

#include "auth/access_guard.hpp"
#include "http/json_input.hpp"
#include "http/json_io.hpp"
#include "identity/acting_for.hpp"
#include "rules/rules_service.hpp"

#include <boost/json.hpp>

#include <climits>

namespace dps::rules {
namespace {

using auth::role;
using http::request;
using http::response;

using identity::by;

boost::json::value report_json(const plugins::fixture_report& report)
{
    boost::json::array cases;
    for (const auto& c : report.cases) cases.push_back({{"name", c.name}, {"hook", c.hook}, {"passed", c.passed}});
    return {{"passed", report.passed()}, {"failed", report.failed()}, {"cases", std::move(cases)}};
}

} // namespace

void add_rules_routes(auth::access_guard& guard, rules_service& rules)
{
    guard.add("GET", "/v1/tenants/{tenant_id}/plugin", {.any_member = true, .scope_param = "tenant_id"},
              [&rules](request& req, const auth::principal& p) {
                  auto id = http::id_param(req.param("tenant_id"));
                  if (!id) return http::error_response(id.err(), req.request_id);
                  auto v = rules.active(by(req, p), *id);
                  if (!v) return http::error_response(v.err(), req.request_id);
                  return http::json_response(200, to_json(*v));
              });
    guard.add("GET", "/v1/tenants/{tenant_id}/plugin/versions", {.roles = {role::tenant_admin, role::auditor}, .scope_param = "tenant_id"},
              [&rules](request& req, const auth::principal& p) {
                  auto id = http::id_param(req.param("tenant_id"));
                  if (!id) return http::error_response(id.err(), req.request_id);
                  auto all = rules.versions(by(req, p), *id);
                  if (!all) return http::error_response(all.err(), req.request_id);
                  boost::json::array items;
                  for (const auto& v : *all) items.push_back(to_json(v));
                  return http::json_response(200, {{"items", std::move(items)}});
              });
    guard.add("POST", "/v1/tenants/{tenant_id}/plugin/versions", {.roles = {role::tenant_admin}, .scope_param = "tenant_id"},
              [&rules](request& req, const auth::principal& p) {
                  auto id = http::id_param(req.param("tenant_id"));
                  if (!id) return http::error_response(id.err(), req.request_id);
                  auto o = http::object_with_fields(req.json, {"source", "fixtures", "file_name"});
                  if (!o) return http::error_response(o.err(), req.request_id);
                  auto source = http::required_string(**o, "source", 1, 256 * 1024);
                  if (!source) return http::error_response(source.err(), req.request_id);
                  auto file = http::optional_string(**o, "file_name", 200);
                  if (!file) return http::error_response(file.err(), req.request_id);
                  std::optional<boost::json::value> fixtures;
                  if (const auto* f = (*o)->if_contains("fixtures")) {
                      if (!f->is_object())
                          return http::error_response(http::invalid_field("fixtures", "must be an object with \"cases\""), req.request_id);
                      fixtures = *f;
                  }
                  auto uploaded = rules.upload(by(req, p), *id, *source, fixtures, file->value_or(""));
                  if (!uploaded) return http::error_response(uploaded.err(), req.request_id);
                  auto body = to_json(uploaded->version).as_object();
                  body["hooks"] = boost::json::value_from(uploaded->plugin.hooks);
                  body["fixtures"] = report_json(uploaded->fixtures);
                  return http::json_response(201, body);
              },
              {.body = http::body_kind::json});
    guard.add("POST", "/v1/tenants/{tenant_id}/plugin/versions/{version}/activate",
              {.roles = {role::tenant_admin}, .scope_param = "tenant_id"}, [&rules](request& req, const auth::principal& p) {
                  auto id = http::id_param(req.param("tenant_id"));
                  auto version = http::id_param(req.param("version"));
                  if (!id) return http::error_response(id.err(), req.request_id);
                  if (!version || *version > INT_MAX)
                      return http::error_response(make_error(error_kind::not_found, "not_found", "no such plugin version"), req.request_id);
                  auto v = rules.activate(by(req, p), *id, static_cast<int>(*version));
                  if (!v) return http::error_response(v.err(), req.request_id);
                  return http::json_response(200, to_json(*v));
              });
    guard.add("POST", "/v1/tenants/{tenant_id}/plugin/evaluate",
              {.roles = {role::tenant_admin, role::commissioner}, .scope_param = "tenant_id"},
              [&rules](request& req, const auth::principal&) {
                  auto id = http::id_param(req.param("tenant_id"));
                  if (!id) return http::error_response(id.err(), req.request_id);
                  auto o = http::object_with_fields(req.json, {"hook", "args"});
                  if (!o) return http::error_response(o.err(), req.request_id);
                  auto hook = http::required_string(**o, "hook", 1, 64);
                  if (!hook) return http::error_response(hook.err(), req.request_id);
                  boost::json::array args;
                  if (const auto* a = (*o)->if_contains("args")) {
                      if (!a->is_array()) return http::error_response(http::invalid_field("args", "must be a list"), req.request_id);
                      args = a->get_array();
                  }
                  auto out = rules.evaluate(*id, *hook, args);
                  if (!out) return http::error_response(out.err(), req.request_id);
                  return http::json_response(200, {{"hook", *hook}, {"result", *out}});
              },
              {.body = http::body_kind::json});
}

} // namespace dps::rules
