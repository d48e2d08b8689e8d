// Wires the platform together from its settings: database, migrations, routes, HTTPS server.
// dpsd's main and the API tests both start the platform through this.
#pragma once

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <memory>

namespace dps::db { class database; }
namespace dps::http { class router; class server; }
namespace dps::auth { class access_guard; }
namespace dps::identity { class identity_service; }
namespace dps::plugins { class plugin_host; }
namespace dps::rules { class rules_service; }
namespace dps::purchasing { class dps_service; class agreement_service; }
namespace dps::calloff { class calloff_service; class award_service; class idempotency; }
namespace dps::reports { class reports_service; }
namespace dps::opendata { class ocds_service; }
namespace dps::audit { class audit_service; }
namespace dps::metrics { class registry; }

namespace dps::app {

class application {
public:
    // Connects, migrates (if settings ask) or checks the schema, builds routes, binds the port.
    // extra_routes lets tests add routes that exercise the host (a slow handler, a JSON echo).
    // now: the clock every service uses (tests pass one they can move); the system clock if null.
    static result<std::unique_ptr<application>> create(const config& settings,
                                                       std::function<void(http::router&)> extra_routes = {},
                                                       std::shared_ptr<const clock> now = nullptr);
    ~application();

    void start();
    void shutdown();
    void wait();
    status reload_tls(); // SIGHUP: the certificate and key files again (http::server::reload_tls)
    unsigned short port() const;
    db::database& database();
    const clock& time() const { return *clock_; }
    const http::router& routes() const;
    identity::identity_service& identity();
    plugins::plugin_host& plugins();
    rules::rules_service& rules();
    purchasing::dps_service& dps();
    purchasing::agreement_service& agreements();
    calloff::calloff_service& calloffs();
    calloff::award_service& awards();
    const auth::access_guard& guard() const;

private:
    application();
    void refresh_plugins_until_stopped();
    std::shared_ptr<const clock> clock_;
    std::unique_ptr<db::database> db_;
    std::unique_ptr<db::database> replica_; // DPS_DB_READ_URL, for reports; null if not set
    std::unique_ptr<identity::identity_service> identity_;
    std::unique_ptr<plugins::plugin_host> plugins_;
    std::unique_ptr<rules::rules_service> rules_;
    std::unique_ptr<purchasing::dps_service> dps_;
    std::unique_ptr<purchasing::agreement_service> agreements_;
    std::unique_ptr<calloff::calloff_service> calloffs_;
    std::unique_ptr<calloff::award_service> awards_;
    std::unique_ptr<calloff::idempotency> idempotency_;
    std::unique_ptr<reports::reports_service> reports_;
    std::unique_ptr<opendata::ocds_service> ocds_;
    std::unique_ptr<audit::audit_service> audit_;
    std::unique_ptr<metrics::registry> metrics_; // before the server: it counts into it until it stops
    std::unique_ptr<http::router> routes_;
    std::unique_ptr<auth::access_guard> guard_;
    std::unique_ptr<http::server> server_;
    // Picks up plugin versions activated on other nodes; stopped at shutdown.
    std::thread refresher_;
    std::mutex refresher_mutex_;
    std::condition_variable refresher_wake_;
    bool refresher_stop_ = false;
};

// Applies pending migrations; used by dpsctl migrate and at start-up. With owner_url (PostgreSQL's
// owner role, DPS_DB_MIGRATE_URL) they run as the owner, who then grants the role `runtime` connects
// as what dpsd needs (db::grant_runtime_role); without, as runtime's own role.
result<std::vector<int>> migrate_database(db::database& runtime, const std::string& owner_url, const clock& now);

} // namespace dps::app
