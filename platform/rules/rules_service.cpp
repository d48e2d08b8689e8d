// Plugin versions: validate first, then store and activate in one transaction, then make the host
// match the database (under a lock, so concurrent uploads cannot leave an older version running).
#include "rules/rules_service.hpp"

#include "audit/audit_store.hpp"
#include "core/digest.hpp"
#include "db/database.hpp"
#include "identity/tenant_slug.hpp"
#include "log/logger.hpp"
#include "rules/rules_store.hpp"

#include <boost/json.hpp>
#include <soci/soci.h>

#include <mutex>

namespace dps::rules {
namespace {

error plugin_rejected(const std::string& message, const std::string& detail = {})
{
    return make_error(error_kind::unprocessable, "plugin_error", message, detail);
}

std::mutex& install_mutex()
{
    static std::mutex m;
    return m;
}

void audit_write(soci::session& sql, const identity::acting& by, const clock& now, std::int64_t tenant_id,
                 const std::string& action, std::int64_t entity_id, const boost::json::value& payload)
{
    audit::record(sql, audit::entry{by.actor(), tenant_id, std::nullopt, action, "tenant_plugin", std::to_string(entity_id),
                                    by.request_id, boost::json::serialize(payload), now.now()});
}

} // namespace

status rules_service::sync_host(std::int64_t tenant_id, const std::string& slug)
{
    // Under one lock: read what the database says is active and install exactly that, so two
    // concurrent uploads or activations cannot leave the host on a version the database has replaced.
    std::lock_guard lock(install_mutex());
    std::optional<store::active_source> active;
    auto read = db_.transact(db::scope::platform(), [&](soci::session& sql) -> status {
        active = store::active_source_of(sql, tenant_id);
        return ok_status();
    });
    if (!read) return read;
    if (!active) {
        host_.uninstall(slug);
        installed_sha256_.erase(slug);
        return ok_status();
    }
    auto installed = host_.install(slug, active->source, active->file_name);
    if (!installed) {
        log::error("plugin_install_failed", {{"tenant", slug}, {"reason", installed.err().message}});
        return installed.err();
    }
    installed_sha256_[slug] = active->source_sha256;
    return ok_status();
}

boost::json::value to_json(const plugin_version& v)
{
    return {{"id", v.id},
            {"tenant_id", v.tenant_id},
            {"version", v.version},
            {"file_name", v.file_name},
            {"source_sha256", v.source_sha256},
            {"uploaded_by", v.uploaded_by},
            {"uploaded_at", v.uploaded_at},
            {"status", v.status},
            {"activated_at", v.activated_at ? boost::json::value(*v.activated_at) : boost::json::value(nullptr)}};
}

rules_service::rules_service(db::database& db, const clock& now, plugins::plugin_host& host)
    : db_(db), clock_(now), host_(host), upload_gate_(std::make_unique<bounded_gate>(1, 4, std::chrono::seconds{5}))
{
}

status rules_service::load_active()
{
    auto s = refresh();
    if (s) log::info("plugins_loaded", {{"count", installed_sha256_.size()}});
    return s;
}

status rules_service::refresh()
{
    std::vector<store::active_row> rows;
    status s = db_.transact(db::scope::platform(), [&](soci::session& sql) -> status {
        rows = store::every_active(sql);
        return ok_status();
    });
    if (!s) return s;
    for (const auto& r : rows) {
        bool current = false;
        {
            std::lock_guard lock(install_mutex());
            auto it = installed_sha256_.find(r.slug);
            current = it != installed_sha256_.end() && it->second == r.source_sha256;
        }
        if (!current) (void)sync_host(r.tenant_id, r.slug); // a plugin that fails to load is logged; others go on
    }
    return ok_status();
}

result<bool> rules_service::may_name_lead(const identity::acting& by, std::int64_t tenant_id, const std::string& own_slug,
                                          const std::string& lead)
{
    if (!by.caller || lead == own_slug) return true; // the operator's seed and CLI, or the council's own lots
    // Platform scope, as tenant_slug reads: the caller's tenant is in the filter, and only a count comes back.
    bool found = false;
    auto read = db_.transact(db::scope::platform(), [&](soci::session& sql) -> status {
        found = store::has_agreement_with_lead(sql, tenant_id, lead);
        return ok_status();
    });
    if (!read) return read.err();
    return found;
}

result<std::vector<std::string>> rules_service::lead_lots_for(const identity::acting& by, std::int64_t tenant_id,
                                                              const std::string& own_slug, const boost::json::value& fixtures)
{
    std::vector<std::string> codes;
    const auto* o = fixtures.if_object();
    if (!o) return codes;
    if (const auto* lead = o->if_contains("lead"); lead && lead->is_string()) {
        // Only a lead this council has an agreement with may be named: another tenant's plugin is not
        // run for a stranger, and the answer is the same whether or not that tenant exists (issue 15).
        auto allowed = may_name_lead(by, tenant_id, own_slug, std::string(lead->get_string()));
        if (!allowed) return allowed.err();
        if (!*allowed)
            return plugin_rejected("fixtures name lead '" + std::string(lead->get_string()) +
                                   "', which is not a lead this council has an access agreement with; list the lead's lot codes in "
                                   "\"lead_lots\" instead");
        auto lots = host_.lots(std::string(lead->get_string()));
        if (!lots) return plugin_rejected("fixtures name lead '" + std::string(lead->get_string()) + "' whose lots cannot be read: " +
                                          lots.err().message);
        for (const auto& lot : *lots) codes.push_back(lot.code);
    } else if (const auto* listed = o->if_contains("lead_lots"); listed && listed->is_array()) {
        for (const auto& code : listed->get_array())
            if (code.is_string()) codes.emplace_back(code.get_string());
    }
    return codes;
}

result<upload_result> rules_service::upload(const identity::acting& by, std::int64_t tenant_id, const std::string& source,
                                            const std::optional<boost::json::value>& fixtures_in, const std::string& file_name)
{
    auto slug = identity::tenant_slug(db_, tenant_id);
    if (!slug) return slug.err();
    if (source.empty()) return make_error(error_kind::bad_request, "invalid_field", "source: the plugin's Lua source is required");

    // Fixtures: those sent, or the active version's.
    boost::json::value fixtures;
    if (fixtures_in) {
        fixtures = *fixtures_in;
    } else {
        std::optional<std::string> stored;
        auto found = db_.transact(by.data_scope(), [&](soci::session& sql) -> status {
            stored = store::active_fixtures_of(sql, tenant_id);
            return ok_status();
        });
        if (!found) return found.err();
        if (!stored)
            return plugin_rejected("fixtures are required for a tenant's first plugin: send {\"source\": …, \"fixtures\": {\"cases\": […]}}");
        fixtures = boost::json::parse(*stored);
    }

    auto turn = upload_gate_->enter();
    if (!turn) return make_error(error_kind::unavailable, "busy", "other plugin uploads are being checked; try again in a moment");
    auto lead_lots = lead_lots_for(by, tenant_id, *slug, fixtures);
    if (!lead_lots) return lead_lots.err();
    const std::string file = file_name.empty() ? "tenants/" + *slug + "/plugin.lua" : file_name;
    plugins::check_options options;
    if (!lead_lots->empty()) options.lead_lot_codes = *lead_lots;
    options.limits = host_.limits();
    auto checked = plugins::check_plugin_source(*slug, source, file, options);
    if (!checked) return plugin_rejected(checked.err().message, checked.err().detail);
    auto report = plugins::run_fixture_document(*slug, source, file, fixtures, *lead_lots, host_.limits());
    if (!report) return plugin_rejected(report.err().message, report.err().detail);
    if (!report->ok()) {
        std::string failures;
        for (const auto& c : report->cases)
            if (!c.passed) failures += (failures.empty() ? "" : "; ") + c.name + " (" + c.hook + "): " + c.message;
        return plugin_rejected(std::to_string(report->failed()) + " of " + std::to_string(report->cases.size()) +
                               " fixtures failed: " + failures);
    }

    const std::string hash = sha256_hex(source);
    const std::string fixtures_text = boost::json::serialize(fixtures);
    auto stored = db_.transact_value<plugin_version>(by.data_scope(), [&](soci::session& sql) -> result<plugin_version> {
        // Serialise uploads per tenant so two cannot both take the next version number.
        const int next = store::next_version(sql, db_.kind(), tenant_id);
        const std::string now = format_timestamp(clock_.now());
        store::deactivate_all(sql, tenant_id);
        plugin_version v{0, tenant_id, next, file, hash, by.actor(), now, "active", now};
        v.id = store::insert_active_version(sql, v, source, fixtures_text);
        audit_write(sql, by, clock_, tenant_id, "plugin.upload", v.id, to_json(v));
        audit_write(sql, by, clock_, tenant_id, "plugin.activate", v.id, {{"version", v.version}});
        return v;
    });
    if (!stored) return stored.err();

    if (auto synced = sync_host(tenant_id, *slug); !synced) return synced.err();
    auto info = host_.info(*slug);
    return upload_result{*stored, info ? *info : plugins::plugin_info{}, *report};
}

result<std::vector<plugin_version>> rules_service::versions(const identity::acting& by, std::int64_t tenant_id)
{
    return db_.transact_value<std::vector<plugin_version>>(by.data_scope(), [&](soci::session& sql) -> result<std::vector<plugin_version>> {
        return store::versions_of(sql, tenant_id);
    });
}

result<plugin_version> rules_service::active(const identity::acting& by, std::int64_t tenant_id)
{
    auto all = versions(by, tenant_id);
    if (!all) return all.err();
    for (const auto& v : *all)
        if (v.status == "active") return v;
    return make_error(error_kind::not_found, std::string{plugins::kNotInstalled}, "this tenant has no active plugin");
}

result<plugin_version> rules_service::activate(const identity::acting& by, std::int64_t tenant_id, int version)
{
    auto slug = identity::tenant_slug(db_, tenant_id);
    if (!slug) return slug.err();
    auto chosen = db_.transact_value<plugin_version>(by.data_scope(), [&](soci::session& sql) -> result<plugin_version> {
        auto v = store::version_of(sql, tenant_id, version);
        if (!v) return make_error(error_kind::not_found, "not_found", "no such plugin version");
        if (v->status == "active") return make_error(error_kind::conflict, "already_active", "this version is already active");
        const std::string now = format_timestamp(clock_.now());
        store::deactivate_all(sql, tenant_id);
        store::activate_version(sql, v->id, now);
        v->status = "active";
        v->activated_at = now;
        audit_write(sql, by, clock_, tenant_id, "plugin.activate", v->id, {{"version", v->version}});
        return *v;
    });
    if (!chosen) return chosen.err();
    if (auto synced = sync_host(tenant_id, *slug); !synced) return synced.err();
    return chosen;
}

result<boost::json::value> rules_service::evaluate(std::int64_t tenant_id, const std::string& hook, const boost::json::array& args)
{
    auto slug = identity::tenant_slug(db_, tenant_id);
    if (!slug) return slug.err();
    return plugins::call_hook(host_, *slug, hook, args);
}

} // namespace dps::rules
