// Each tenant's local rules (its Lua plugin): upload a new version, which is compiled and run
// against its fixtures before it is stored and activated; list versions; roll back; load the
// active versions into the plugin host at start-up; try a hook.
#pragma once

#include "core/clock.hpp"
#include "core/gate.hpp"
#include "core/result.hpp"
#include "identity/identity_service.hpp"
#include "plugins/plugin_check.hpp"
#include "plugins/plugin_host.hpp"
#include "rules/rules_records.hpp"

#include <boost/json/value.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dps::db { class database; }

namespace dps::rules {


struct upload_result {
    plugin_version version;
    plugins::plugin_info plugin;
    plugins::fixture_report fixtures;
};

class rules_service {
public:
    rules_service(db::database& db, const clock& now, plugins::plugin_host& host);

    // Installs every tenant's active version into the host (at start-up).
    status load_active();

    // Fixtures default to the active version's when omitted. Fails (422) without storing anything
    // if the source does not compile, a hook returns garbage, or a fixture fails.
    result<upload_result> upload(const identity::acting& by, std::int64_t tenant_id, const std::string& source,
                                 const std::optional<boost::json::value>& fixtures, const std::string& file_name);
    result<std::vector<plugin_version>> versions(const identity::acting& by, std::int64_t tenant_id);
    result<plugin_version> activate(const identity::acting& by, std::int64_t tenant_id, int version);
    result<plugin_version> active(const identity::acting& by, std::int64_t tenant_id);

    // Installs any tenant's active version that this process is not running yet: another dpsd node
    // (or dpsctl) may have uploaded or activated one. Cheap when nothing changed (one small query).
    status refresh();

    // Calls one hook of the tenant's active plugin with JSON arguments.
    result<boost::json::value> evaluate(std::int64_t tenant_id, const std::string& hook, const boost::json::array& args);


private:
    status sync_host(std::int64_t tenant_id, const std::string& slug);
    result<std::vector<std::string>> lead_lots_for(const identity::acting& by, std::int64_t tenant_id, const std::string& own_slug,
                                                   const boost::json::value& fixtures);
    result<bool> may_name_lead(const identity::acting& by, std::int64_t tenant_id, const std::string& own_slug, const std::string& lead);

    db::database& db_;
    const clock& clock_;
    plugins::plugin_host& host_;
    std::map<std::string, std::string> installed_sha256_; // by tenant slug; guarded by the install mutex
    // Checking an upload runs every fixture case: one at a time platform-wide, a few waiting, others 503,
    // so uploads cannot occupy the workers other tenants' requests need (issue 15, defect 5).
    std::unique_ptr<bounded_gate> upload_gate_;
};

} // namespace dps::rules
