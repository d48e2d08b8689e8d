// Acceptor, thread pools, and the graceful-shutdown bookkeeping.
#include "http/server.hpp"

#include "http/session.hpp"
#include "http/tls_context.hpp"
#include "log/logger.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <mutex>
#include <thread>
#include <unordered_map>

namespace dps::http {

namespace net = boost::asio;
using tcp = net::ip::tcp;

struct server::impl {
    impl(server_settings s, const router& r, std::shared_ptr<net::ssl::context> t)
        : settings(std::move(s)), routes(r), tls(std::move(t)), contexts(make_contexts(settings.threads)),
          acceptor(*contexts.front()), workers(settings.workers), grace_timer(*contexts.front()),
          accept_retry(*contexts.front()), ctx{routes, settings, tls, workers, stopping, std::make_shared<session_registry>(), std::make_shared<body_budget>(settings.body_budget)}
    {
        // All drained: no need to wait out the grace period.
        ctx.registry->on_drained([this] { net::post(*contexts.front(), [this] { grace_timer.cancel(); }); });
    }

    ~impl() { ctx.registry->detach(); } // sessions destroyed with the io_contexts must not call back into us

    // One single-threaded io_context per network thread, connections dealt round-robin: a connection
    // lives on one thread, so no strands and no cross-thread wake-ups on the hot path.
    static std::vector<std::unique_ptr<net::io_context>> make_contexts(unsigned n)
    {
        std::vector<std::unique_ptr<net::io_context>> out;
        for (unsigned i = 0; i < n; ++i) out.push_back(std::make_unique<net::io_context>(1));
        return out;
    }

    net::io_context& next_context() { return *contexts[next++ % contexts.size()]; }

    std::size_t live_connections() { return ctx.registry->size(); }

    void stop_all()
    {
        for (auto& c : contexts) c->stop();
    }

    void do_accept()
    {
        acceptor.async_accept(next_context(), [this](boost::system::error_code ec, tcp::socket socket) {
            if (ec) {
                if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
                // Out of file descriptors (or similar): the pending connection stays queued, so retrying
                // at once would spin. Back off briefly.
                log::warn("accept_failed", {{"reason", ec.message()}});
                accept_retry.expires_after(std::chrono::milliseconds{100});
                accept_retry.async_wait([this](boost::system::error_code wait_ec) {
                    if (!wait_ec && !stopping.load()) do_accept();
                });
                return;
            }
            boost::system::error_code peer_ec;
            const auto peer = socket.remote_endpoint(peer_ec);
            const std::string client = peer_ec ? std::string{} : peer.address().to_string();
            if (live_connections() >= settings.max_connections) {
                boost::system::error_code ignored;
                socket.close(ignored); // over the cap: refuse rather than exhaust file descriptors
            } else if (settings.max_connections_per_client > 0 &&
                       ctx.registry->connections_from(client) >= settings.max_connections_per_client) {
                if (auto now = std::chrono::steady_clock::now(); now - last_refusal_logged > std::chrono::seconds{1}) {
                    last_refusal_logged = now; // a flood of refusals is one line a second, not one each
                    log::warn("client_connection_limit", {{"remote", client}, {"limit", settings.max_connections_per_client}});
                }
                boost::system::error_code ignored;
                socket.close(ignored); // one address may not take every slot
            } else {
                std::make_shared<session>(std::move(socket), ctx)->run();
            }
            if (!stopping.load()) do_accept();
        });
    }

    server_settings settings;
    const router& routes;
    tls_contexts tls; // what new connections take; replaced by reload_tls
    std::mutex reload_mutex; // one reload at a time, so the last to finish is the last asked for
    std::vector<std::unique_ptr<net::io_context>> contexts; // the first also runs the acceptor and the grace timer
    std::size_t next = 0;                                   // touched only by the acceptor's thread
    // Keep every context running while the server accepts; released at shutdown so each ends once drained.
    std::vector<net::executor_work_guard<net::io_context::executor_type>> keep_running;
    tcp::acceptor acceptor;
    net::thread_pool workers;
    net::steady_timer grace_timer;
    net::steady_timer accept_retry;
    std::chrono::steady_clock::time_point last_refusal_logged; // touched only by the acceptor's thread
    std::atomic<bool> stopping{false};
    session_context ctx;
    std::vector<std::thread> threads;
    std::once_flag shutdown_once;
};

server::server(std::unique_ptr<impl> p) : impl_(std::move(p)) {}

server::~server()
{
    shutdown();
    wait();
}

result<std::unique_ptr<server>> server::create(server_settings settings, const router& routes)
{
    auto tls = make_server_tls_context(settings.tls_cert, settings.tls_key);
    if (!tls) return tls.err();
    auto p = std::make_unique<impl>(std::move(settings), routes, std::move(*tls));
    const auto& s = p->settings;
    boost::system::error_code ec;
    const auto address = net::ip::make_address(s.host, ec);
    if (ec) return make_error(error_kind::bad_request, "bad_config", "DPS_LISTEN: '" + s.host + "' is not an IP address");
    const tcp::endpoint endpoint{address, s.port};
    const std::string where = s.host + ":" + std::to_string(s.port);
    p->acceptor.open(endpoint.protocol(), ec);
    if (!ec) p->acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) p->acceptor.bind(endpoint, ec);
    if (!ec) p->acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec) return make_error(error_kind::bad_request, "bad_config", "DPS_LISTEN: cannot listen on " + where + ": " + ec.message());
    return std::unique_ptr<server>(new server(std::move(p)));
}

unsigned short server::port() const { return impl_->acceptor.local_endpoint().port(); }

void server::start()
{
    auto& p = *impl_;
    net::post(p.acceptor.get_executor(), [&p] { p.do_accept(); });
    for (auto& c : p.contexts) {
        p.keep_running.push_back(net::make_work_guard(*c));
        p.threads.emplace_back([&c] { c->run(); });
    }
}

void server::shutdown()
{
    auto& p = *impl_;
    std::call_once(p.shutdown_once, [&p] {
        p.stopping.store(true);
        p.ctx.registry->begin_shutdown();
        net::post(p.acceptor.get_executor(), [&p] {
            boost::system::error_code ignored;
            p.acceptor.close(ignored);
            p.accept_retry.cancel();
            for (auto& guard : p.keep_running) guard.reset();
        });
        for (auto& s : p.ctx.registry->snapshot()) s->stop_if_idle();
        // After the grace period, whatever is still running is cut off.
        net::post(*p.contexts.front(), [&p] {
            if (p.ctx.registry->empty()) return;
            p.grace_timer.expires_after(p.settings.shutdown_grace);
            p.grace_timer.async_wait([&p](boost::system::error_code ec) {
                if (ec) return; // cancelled: everything drained in time
                log::warn("shutdown_grace_expired", {});
                p.stop_all();
            });
        });
        log::info("shutdown_started", {});
    });
}

status server::reload_tls()
{
    auto& p = *impl_;
    std::lock_guard lock(p.reload_mutex);
    auto next = make_server_tls_context(p.settings.tls_cert, p.settings.tls_key);
    if (!next) {
        log::error("tls_reload_failed", {{"reason", next.err().message}, {"kept", "the certificate in use"}});
        return next.err();
    }
    const auto loaded = describe_certificate(**next);
    p.tls.replace(std::move(*next));
    log::info("tls_reloaded", {{"cert", p.settings.tls_cert}, {"subject", loaded.subject}, {"not_after", loaded.not_after}});
    return ok_status();
}

void server::wait()
{
    auto& p = *impl_;
    for (auto& t : p.threads)
        if (t.joinable()) t.join();
    p.workers.join();
}

} // namespace dps::http
