// One TLS connection: handshake, then read request → dispatch → write response, until closed.
// Internal to the http library (it includes Beast).
#pragma once

#include "http/router.hpp"
#include "http/server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <unordered_map>
#include <vector>
#include <memory>
#include <optional>

namespace dps::http {

class session;

// The live sessions, shared by the server and every session (by shared_ptr), so a session destroyed
// after the server's other parts (queued in a stopped io_context) still has somewhere to unregister.
class session_registry {
public:
    void add(const std::shared_ptr<session>& s, const std::string& client);
    void remove(session* s);
    std::size_t connections_from(const std::string& client);
    std::vector<std::shared_ptr<session>> snapshot();
    bool empty();
    std::size_t size();
    // Called (once per emptying) after shutdown began, when the last session has gone.
    void on_drained(std::function<void()> fn);
    void begin_shutdown();
    void detach(); // the server is going away: no more callbacks

private:
    std::mutex mutex_;
    struct entry {
        std::weak_ptr<session> s;
        std::string client;
    };
    std::unordered_map<session*, entry> live_;
    std::unordered_map<std::string, std::size_t> per_client_;
    std::function<void()> drained_;
    bool stopping_ = false;
};

// The bytes of request bodies held at once, across every connection (server_settings::body_budget).
class body_budget {
public:
    explicit body_budget(std::size_t limit) : limit_(limit) {}
    bool reserve(std::size_t bytes);
    void release(std::size_t bytes) { held_.fetch_sub(bytes); }
    std::size_t held() const { return held_.load(); }

private:
    const std::size_t limit_;
    std::atomic<std::size_t> held_{0};
};

// The TLS context new connections take. A reload replaces it whole instead of changing it, so each
// connection keeps (by shared_ptr) the context it was accepted with, and no live SSL object ever sees
// its context change underneath it.
class tls_contexts {
public:
    explicit tls_contexts(std::shared_ptr<boost::asio::ssl::context> first) : current_(std::move(first)) {}
    std::shared_ptr<boost::asio::ssl::context> current()
    {
        std::lock_guard lock(mutex_);
        return current_;
    }
    void replace(std::shared_ptr<boost::asio::ssl::context> next)
    {
        std::lock_guard lock(mutex_);
        current_.swap(next); // the old one is released outside the lock, when `next` goes
    }

private:
    std::mutex mutex_;
    std::shared_ptr<boost::asio::ssl::context> current_;
};

// What every session shares with the server that owns it.
struct session_context {
    const router& routes;
    const server_settings& settings;
    tls_contexts& tls;
    boost::asio::thread_pool& workers;
    std::atomic<bool>& stopping;
    std::shared_ptr<session_registry> registry;
    std::shared_ptr<body_budget> bodies;
};

class session : public std::enable_shared_from_this<session> {
public:
    session(boost::asio::ip::tcp::socket&& socket, session_context& ctx);
    ~session();
    void run();
    // On shutdown: close now if waiting for a request; otherwise finish the current one first.
    void stop_if_idle();

private:
    void on_handshake(boost::beast::error_code ec);
    void do_read();
    void on_header(boost::beast::error_code ec);
    void on_read(boost::beast::error_code ec, std::size_t bytes);
    bool read_failed(boost::beast::error_code ec); // answers or closes; true if the request is over
    void release_body();
    void handle();
    void respond(response res);
    void on_write(bool keep_alive, boost::beast::error_code ec, std::size_t bytes);
    void fail_request(const error& e); // answer an unreadable request, then close
    void do_close();

    std::shared_ptr<boost::asio::ssl::context> tls_; // before stream_: outlives the SSL object made from it
    boost::beast::ssl_stream<boost::beast::tcp_stream> stream_;
    boost::beast::flat_buffer buffer_;
    std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
    boost::beast::http::response<boost::beast::http::string_body> res_;
    session_context& ctx_;
    std::shared_ptr<session_registry> registry_; // outlives ctx_ if the server is torn down first
    std::shared_ptr<body_budget> bodies_;        // likewise
    std::size_t body_reserved_ = 0;              // of bodies_, for the request being read or handled
    std::string remote_;
    bool busy_ = false; // between a request's first byte handled and its response written
    bool closing_ = false;
    // What the access log needs about the current request.
    std::string method_;
    std::string path_;
    std::string request_id_;
    const std::string* route_ = nullptr; // the matched route's template, owned by the router
    std::string tenant_;                 // server_settings::tenant_of, after the handler
    std::chrono::steady_clock::time_point started_;
    bool head_ = false;
    bool request_keep_alive_ = false;
};

} // namespace dps::http
