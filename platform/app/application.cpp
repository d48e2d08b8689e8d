// Start-up order: settings → database → schema → routes → server.
#include "app/application.hpp"

#include "app/system_routes.hpp"
#include "audit/audit_routes.hpp"
#include "audit/audit_service.hpp"
#include "metrics/metrics.hpp"
#include "auth/access_guard.hpp"
#include "calloff/award_service.hpp"
#include "calloff/calloff_routes.hpp"
#include "calloff/calloff_service.hpp"
#include "calloff/idempotency.hpp"
#include "dps/agreement_service.hpp"
#include "dps/dps_routes.hpp"
#include "dps/dps_service.hpp"
#include "identity/identity_routes.hpp"
#include "identity/identity_service.hpp"
#include "db/database.hpp"
#include "db/migrations.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "http/static_files.hpp"
#include "log/logger.hpp"
#include "plugins/plugin_host.hpp"
#include "rules/rules_routes.hpp"
#include "opendata/ocds_routes.hpp"
#include "opendata/ocds_service.hpp"
#include "reports/reports_routes.hpp"
#include "reports/reports_service.hpp"
#include "rules/rules_service.hpp"

#include <algorithm>
#include <filesystem>
#include <any>
#include <mutex>
#include <unordered_map>


#include <boost/json/value_from.hpp>

namespace dps::app {

application::application() = default;
application::~application()
{
    {
        std::lock_guard lock(refresher_mutex_);
        refresher_stop_ = true;
    }
    refresher_wake_.notify_all();
    if (refresher_.joinable()) refresher_.join();
}

void application::refresh_plugins_until_stopped()
{
    std::unique_lock lock(refresher_mutex_);
    while (!refresher_wake_.wait_for(lock, std::chrono::seconds{15}, [this] { return refresher_stop_; })) {
        lock.unlock();
        if (auto s = rules_->refresh(); !s) log::warn("plugin_refresh_failed", {{"reason", s.err().message}});
        lock.lock();
    }
}

result<std::vector<int>> migrate_database(db::database& runtime, const std::string& owner_url, const clock& now)
{
    if (owner_url.empty()) return db::migrate(runtime, db::embedded_migrations(), now);
    auto url = db::parse_database_url(owner_url);
    if (!url) return url.err();
    if (url->kind != runtime.kind())
        return make_error(error_kind::bad_request, "invalid_setting", "DPS_DB_MIGRATE_URL and DPS_DB_URL must name the same database");
    db::database owner(*url, 1);
    auto applied = db::migrate(owner, db::embedded_migrations(), now);
    if (!applied || runtime.kind() != db::backend::postgresql) return applied;
    auto runtime_role = db::current_role(runtime);
    if (!runtime_role) return runtime_role.err();
    auto owner_role = db::current_role(owner);
    if (!owner_role) return owner_role.err();
    if (*runtime_role != *owner_role)
        if (auto granted = db::grant_runtime_role(owner, *runtime_role); !granted) return granted.err();
    return applied;
}

namespace {

// Row-level security is the second wall between tenants; a superuser or BYPASSRLS role walks through it.
void warn_about_database_roles(db::database& db)
{
    if (db.kind() != db::backend::postgresql) return;
    const auto bypass = db::bypasses_row_security(db);
    if (bypass && *bypass)
        log::warn("row_security_bypassed", {{"advice", "connect dpsd as a role without SUPERUSER or BYPASSRLS; see docs/operations.md"}});
    // A runtime role that owns the tables can disable the audit log's triggers and drop policies.
    if (auto owns = db::owns_schema_tables(db); owns && *owns)
        log::warn("runtime_role_owns_schema",
                  {{"advice", "run dpsd as a role that owns nothing and migrate with DPS_DB_MIGRATE_URL; see docs/operations.md"}});
}

// The access log's tenant: the caller's tenant slug. The principal carries only the tenant's id, so
// each slug is read once (in the caller's own scope) and kept: slugs never change, and there is one
// per council.
std::function<std::string(const http::request&)> tenant_slugs(identity::identity_service& ids)
{
    struct cache {
        std::mutex mutex;
        std::unordered_map<std::int64_t, std::string> slugs;
    };
    return [known = std::make_shared<cache>(), &ids](const http::request& req) -> std::string {
        const auto* caller = std::any_cast<auth::principal>(&req.caller);
        if (!caller || !caller->tenant_id) return {};
        {
            std::lock_guard lock(known->mutex);
            if (auto it = known->slugs.find(*caller->tenant_id); it != known->slugs.end()) return it->second;
        }
        auto t = ids.get_tenant(identity::acting{caller, req.request_id}, *caller->tenant_id);
        if (!t) return {}; // e.g. the database is away: the line goes without, the next request tries again
        std::lock_guard lock(known->mutex);
        return known->slugs.emplace(t->id, t->slug).first->second;
    };
}

} // namespace

result<std::unique_ptr<application>> application::create(const config& settings, std::function<void(http::router&)> extra_routes,
                                                       std::shared_ptr<const clock> now)
{
    auto url = db::parse_database_url(settings.db_url);
    if (!url) return url.err();
    std::unique_ptr<application> app(new application());
    app->clock_ = now ? std::move(now) : std::make_shared<system_clock>();
    app->db_ = std::make_unique<db::database>(*url, settings.db_pool > 0 ? settings.db_pool : settings.workers);

    // A database holding migrations this binary does not know refuses start-up, migrate or not.
    auto state = db::inspect_schema(*app->db_, db::embedded_migrations());
    if (!state) return state.err();
    if (settings.migrate_on_start) {
        auto applied = migrate_database(*app->db_, settings.db_migrate_url, *app->clock_);
        if (!applied) return applied.err();
        if (!applied->empty())
            log::info("migrated", {{"database", url->redacted}, {"applied", boost::json::value_from(*applied)}});
    } else if (!state->up_to_date()) {
        log::warn("schema_out_of_date", {{"current", state->current}, {"latest", state->latest}});
    }

    warn_about_database_roles(*app->db_);
    app->identity_ = std::make_unique<identity::identity_service>(*app->db_, *app->clock_);
    app->plugins_ = std::make_unique<plugins::plugin_host>();
    app->rules_ = std::make_unique<rules::rules_service>(*app->db_, *app->clock_, *app->plugins_);
    if (auto loaded = app->rules_->load_active(); !loaded) return loaded.err();
    app->dps_ = std::make_unique<purchasing::dps_service>(*app->db_, *app->clock_, *app->plugins_);
    app->agreements_ = std::make_unique<purchasing::agreement_service>(*app->db_, *app->clock_, *app->plugins_);
    app->calloffs_ = std::make_unique<calloff::calloff_service>(*app->db_, *app->clock_, *app->plugins_);
    app->awards_ = std::make_unique<calloff::award_service>(*app->db_, *app->clock_, *app->plugins_);
    app->idempotency_ = std::make_unique<calloff::idempotency>(*app->db_, *app->clock_);
    if (!settings.db_read_url.empty()) {
        auto read_url = db::parse_database_url(settings.db_read_url);
        if (!read_url) return make_error(error_kind::bad_request, "bad_config", "DPS_DB_READ_URL: " + read_url.err().message);
        // A few connections: reports are occasional, and each holds one for its whole query.
        app->replica_ = std::make_unique<db::database>(*read_url, 4, std::chrono::milliseconds{2000});
    }
    app->reports_ = std::make_unique<reports::reports_service>(*app->db_, app->replica_.get());
    app->audit_ = std::make_unique<audit::audit_service>(*app->db_);
    app->ocds_ = std::make_unique<opendata::ocds_service>(*app->db_, settings.ocds_prefix, *app->clock_);
    app->routes_ = std::make_unique<http::router>();
    app->guard_ = std::make_unique<auth::access_guard>(*app->routes_, *app->identity_);
    app->metrics_ = std::make_unique<metrics::registry>();
    add_system_routes(*app->guard_, *app->db_);
    std::vector<std::pair<std::string, const db::database*>> pools{{"primary", app->db_.get()}};
    if (app->replica_) pools.emplace_back("replica", app->replica_.get());
    add_metrics_route(*app->guard_, *app->metrics_, settings.metrics_access, std::move(pools), *app->plugins_);
    identity::add_identity_routes(*app->guard_, *app->identity_);
    rules::add_rules_routes(*app->guard_, *app->rules_);
    purchasing::add_dps_routes(*app->guard_, *app->dps_);
    purchasing::add_agreement_routes(*app->guard_, *app->agreements_, *app->dps_);
    calloff::add_calloff_routes(*app->guard_, *app->calloffs_, *app->awards_, *app->idempotency_);
    reports::add_reports_routes(*app->guard_, *app->reports_);
    audit::add_audit_routes(*app->guard_, *app->audit_);
    opendata::add_ocds_routes(*app->guard_, *app->ocds_);
    if (extra_routes) extra_routes(*app->routes_);
    // The web console: a client of this API like any other, served from its built files.
    if (std::error_code ec; !std::filesystem::exists(settings.console_dir, ec)) {
        log::warn("console_missing", {{"folder", settings.console_dir}, {"fix", "scripts/build-console, or set DPS_CONSOLE_DIR"}});
    } else {
        auto console = http::static_files::load(settings.console_dir, "/app/");
        if (!console) return console.err();
        app->routes_->mount("/app/", [files = *console](http::request& req) { return files->serve(req); });
        log::info("console_loaded", {{"folder", settings.console_dir}, {"files", (*console)->size()}});
    }

    http::server_settings s;
    s.host = settings.listen.host;
    s.port = settings.listen.port;
    s.threads = settings.threads;
    s.workers = settings.workers;
    s.body_limit = settings.body_limit;
    s.body_budget = std::max(settings.body_budget, settings.body_limit); // one largest body always fits
    s.max_connections_per_client = settings.max_connections_per_client;
    s.idle_timeout = settings.idle_timeout;
    s.shutdown_grace = settings.shutdown_grace;
    s.tls_cert = settings.tls_cert;
    s.tls_key = settings.tls_key;
    s.tenant_of = tenant_slugs(*app->identity_);
    s.metrics = app->metrics_.get();
    auto server = http::server::create(s, *app->routes_);
    if (!server) return server.err();
    app->server_ = std::move(*server);
    return app;
}

void application::start()
{
    server_->start();
    refresher_ = std::thread([this] { refresh_plugins_until_stopped(); });
}
void application::shutdown()
{
    {
        std::lock_guard lock(refresher_mutex_);
        refresher_stop_ = true;
    }
    refresher_wake_.notify_all();
    server_->shutdown();
}
void application::wait() { server_->wait(); }
status application::reload_tls() { return server_->reload_tls(); }
unsigned short application::port() const { return server_->port(); }
db::database& application::database() { return *db_; }
identity::identity_service& application::identity() { return *identity_; }
plugins::plugin_host& application::plugins() { return *plugins_; }
rules::rules_service& application::rules() { return *rules_; }
purchasing::dps_service& application::dps() { return *dps_; }
purchasing::agreement_service& application::agreements() { return *agreements_; }
calloff::calloff_service& application::calloffs() { return *calloffs_; }
calloff::award_service& application::awards() { return *awards_; }
const auth::access_guard& application::guard() const { return *guard_; }
const http::router& application::routes() const { return *routes_; }

} // namespace dps::app
