// The HTTPS server: accepts TLS connections, reads HTTP/1.1 requests, dispatches them through a router.
// Beast and Asio stay behind this header.
#pragma once

#include "core/result.hpp"
#include "http/router.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace dps::metrics { class registry; }

namespace dps::http {

struct server_settings {
    std::string host = "127.0.0.1";
    unsigned short port = 8443; // 0: pick a free port (tests)
    unsigned threads = 2;       // network threads
    unsigned workers = 16;      // threads for blocking handlers: they wait on the database and on
                                // sign-in hashing, so more than the cores; a slow request holds one only
    std::size_t body_limit = 1024 * 1024;
    std::chrono::milliseconds idle_timeout{30'000};
    std::chrono::milliseconds shutdown_grace{10'000};
    std::size_t max_connections = 4096; // beyond this, new connections are closed at once
    // Connections one client address may hold (0: no limit, e.g. behind a proxy that is the only
    // client): one address cannot take every slot. A council's offices often share one address, so
    // the default leaves room for them and three quarters of the slots for everyone else.
    std::size_t max_connections_per_client = 1024;
    // Request bodies all connections may hold at once, in bytes: a body's declared length (or the
    // body limit, if chunked) is reserved before it is read, and a request that does not fit is
    // answered 503 without reading it. Bodies are read before the caller is known, so without this
    // anyone could make dpsd hold connections x body_limit.
    std::size_t body_budget = 64u << 20;
    std::string tls_cert; // read again by reload_tls()
    std::string tls_key;
    // The caller's tenant for the access log, from what the route's admit step left in the request
    // (request::caller): the http layer knows nothing of principals. Runs on the worker thread after
    // the handler, so it may block briefly; empty when the caller has no tenant.
    std::function<std::string(const request&)> tenant_of;
    // Where answered requests (route template, method, status, duration) and TLS handshakes are
    // counted for GET /metrics; none if null. Must outlive the server.
    metrics::registry* metrics = nullptr;
};

class server {
public:
    // Loads TLS material and binds the port; errors name the setting at fault.
    static result<std::unique_ptr<server>> create(server_settings settings, const router& routes);
    ~server();

    unsigned short port() const;
    void start();
    // Graceful: stop accepting, let in-flight requests finish (up to shutdown_grace), close idle
    // keep-alive connections. Safe from any thread, including a signal-waiting one; idempotent.
    void shutdown();
    void wait(); // until every thread has finished
    // Reads tls_cert and tls_key again (SIGHUP, for certificate rotation): handshakes from now on use
    // the new pair, connections already open keep the one they began with. A pair that does not load
    // (unreadable, malformed, key not matching) is refused: the error is logged and returned, and the
    // current pair stays. Safe from any thread.
    status reload_tls();

private:
    struct impl;
    explicit server(std::unique_ptr<impl> p);
    std::unique_ptr<impl> impl_;
};

} // namespace dps::http
