// Plugin versions: validate first, then store and activate in one transaction, then make the host
// match the database (under a lock, so concurrent uploads cannot leave an older version running).
#include "rules/rules_service.hpp"

#include "audit/audit_log.hpp"
#include "core/digest.hpp"
#include "db/database.hpp"
#include "identity/tenant_slug.hpp"
#include "db/dialect.hpp"
#include "db/row_reader.hpp"
#include "log/logger.hpp"

#include <boost/json.hpp>
#include <soci/soci.h>

#include <mutex>

namespace dps::rules {
namespace {

constexpr const char* kVersionColumns =
    "id, tenant_id, version, file_name, source_sha256, uploaded_by, uploaded_at, status, activated_at";

plugin_version version_from(const soci::row& r)
{
    return {db::int_at(r, 0),      db::int_at(r, 1),      static_cast<int>(db::int_at(r, 2)), db::text_at(r, 3),
            db::text_at(r, 4),     db::text_at(r, 5),     db::text_at(r, 6),                  db::text_at(r, 7),
            db::opt_text_at(r, 8)};
}

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
    std::string source, file, sha256;
    auto read = db_.transact(db::scope::platform(), [&](soci::session& sql) -> status {
        long long key = tenant_id;
        soci::indicator ind = soci::i_null;
        sql << "SELECT source, file_name, source_sha256 FROM tenant_plugins WHERE tenant_id = :t AND status = 'active'", soci::use(key),
            soci::into(source, ind), soci::into(file), soci::into(sha256);
        return ok_status();
    });
    if (!read) return read;
    if (source.empty()) {
        host_.uninstall(slug);
        installed_sha256_.erase(slug);
        return ok_status();
    }
    auto installed = host_.install(slug, source, file);
    if (!installed) {
        log::error("plugin_install_failed", {{"tenant", slug}, {"reason", installed.err().message}});
        return installed.err();
    }
    installed_sha256_[slug] = sha256;
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
    struct row_t {
        std::int64_t tenant_id;
        std::string slug, sha256;
    };
    std::vector<row_t> rows;
    status s = db_.transact(db::scope::platform(), [&](soci::session& sql) -> status {
        soci::rowset<soci::row> rs = (sql.prepare << "SELECT t.id, t.slug, p.source_sha256 FROM tenant_plugins p "
                                                     "JOIN tenants t ON t.id = p.tenant_id WHERE p.status = 'active'");
        for (const auto& r : rs) rows.push_back({db::int_at(r, 0), db::text_at(r, 1), db::text_at(r, 2)});
        return ok_status();
    });
    if (!s) return s;
    for (const auto& r : rows) {
        bool current = false;
        {
            std::lock_guard lock(install_mutex());
            auto it = installed_sha256_.find(r.slug);
            current = it != installed_sha256_.end() && it->second == r.sha256;
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
    long long found = 0;
    auto read = db_.transact(db::scope::platform(), [&](soci::session& sql) -> status {
        long long partner = tenant_id;
        sql << "SELECT count(*) FROM access_agreements a JOIN tenants t ON t.id = a.lead_tenant_id "
               "WHERE a.partner_tenant_id = :p AND t.slug = :s",
            soci::use(partner), soci::use(lead), soci::into(found);
        return ok_status();
    });
    if (!read) return read.err();
    return found > 0;
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
        std::string stored;
        auto found = db_.transact(by.data_scope(), [&](soci::session& sql) -> status {
            long long key = tenant_id;
            soci::indicator ind = soci::i_null;
            sql << "SELECT fixtures FROM tenant_plugins WHERE tenant_id = :t AND status = 'active'", soci::use(key), soci::into(stored, ind);
            return ok_status();
        });
        if (!found) return found.err();
        if (stored.empty())
            return plugin_rejected("fixtures are required for a tenant's first plugin: send {\"source\": …, \"fixtures\": {\"cases\": […]}}");
        fixtures = boost::json::parse(stored);
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
        long long key = tenant_id, next = 0;
        // Serialise uploads per tenant so two cannot both take the next version number.
        sql << std::string{"SELECT id FROM tenants WHERE id = :t"} + db::for_update(db_.kind()), soci::use(key);
        sql << "SELECT COALESCE(MAX(version), 0) + 1 FROM tenant_plugins WHERE tenant_id = :t", soci::use(key), soci::into(next);
        const std::string now = format_timestamp(clock_.now());
        const std::string actor = by.actor();
        sql << "UPDATE tenant_plugins SET status = 'inactive' WHERE tenant_id = :t AND status = 'active'", soci::use(key);
        plugin_version v{0, tenant_id, static_cast<int>(next), file, hash, actor, now, "active", now};
        long long id = 0;
        sql << "INSERT INTO tenant_plugins (tenant_id, version, file_name, source, source_sha256, fixtures, uploaded_by, uploaded_at, "
               "status, activated_at) VALUES (:t, :v, :f, :s, :h, :x, :by, :at, 'active', :at2) RETURNING id",
            soci::use(key), soci::use(v.version), soci::use(file), soci::use(source), soci::use(hash), soci::use(fixtures_text),
            soci::use(actor), soci::use(now), soci::use(now), soci::into(id);
        v.id = id;
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
        std::vector<plugin_version> out;
        long long key = tenant_id;
        soci::rowset<soci::row> rows = (sql.prepare << "SELECT " << kVersionColumns
                                                    << " FROM tenant_plugins WHERE tenant_id = :t ORDER BY version",
                                        soci::use(key));
        for (const auto& r : rows) out.push_back(version_from(r));
        return out;
    });
}

result<plugin_version> rules_service::active(const identity::acting& by, std::int64_t tenant_id)
{
    auto all = versions(by, tenant_id);
    if (!all) return all.err();
    for (const auto& v : *all)
        if (v.status == "active") return v;
    return make_error(error_kind::not_found, "plugin_not_installed", "this tenant has no active plugin");
}

result<plugin_version> rules_service::activate(const identity::acting& by, std::int64_t tenant_id, int version)
{
    auto slug = identity::tenant_slug(db_, tenant_id);
    if (!slug) return slug.err();
    auto chosen = db_.transact_value<plugin_version>(by.data_scope(), [&](soci::session& sql) -> result<plugin_version> {
        long long key = tenant_id;
        std::optional<plugin_version> v;
        {
            soci::rowset<soci::row> rows = (sql.prepare << "SELECT " << kVersionColumns << " FROM tenant_plugins "
                                                           "WHERE tenant_id = :t AND version = :v",
                                            soci::use(key), soci::use(version));
            for (const auto& r : rows) v = version_from(r);
        }
        if (!v) return make_error(error_kind::not_found, "not_found", "no such plugin version");
        if (v->status == "active") return make_error(error_kind::conflict, "already_active", "this version is already active");
        const std::string now = format_timestamp(clock_.now());
        sql << "UPDATE tenant_plugins SET status = 'inactive' WHERE tenant_id = :t AND status = 'active'", soci::use(key);
        long long id = v->id;
        sql << "UPDATE tenant_plugins SET status = 'active', activated_at = :at WHERE id = :id", soci::use(now), soci::use(id);
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
