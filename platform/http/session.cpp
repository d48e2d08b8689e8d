// The connection state machine, after Beast's async-ssl server example: do_X / on_X pairs,
// a timeout on every read, the body limit set before the body is read.
#include "http/session.hpp"

#include "metrics/metrics.hpp"

#include "http/beast_request.hpp"

#include "core/digest.hpp"
#include "http/json_io.hpp"
#include "log/logger.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <cctype>

namespace dps::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;

namespace {

constexpr auto kHandshakeTimeout = std::chrono::seconds{10};
constexpr auto kCloseTimeout = std::chrono::seconds{5};

// A client's request id is echoed only if it is short and plain (and is marked as the client's
// wherever it is recorded); otherwise we make one.
void choose_request_id(const bhttp::request<bhttp::string_body>& raw, request& req)
{
    auto it = raw.find("x-request-id");
    if (it != raw.end()) {
        auto v = it->value();
        const bool plain = !v.empty() && v.size() <= 128 && std::all_of(v.begin(), v.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == ':';
        });
        if (plain) {
            req.request_id = std::string{v};
            req.request_id_from_client = true;
            return;
        }
    }
    req.request_id = unique_id();
}

bool is_parse_error(const beast::error_code& ec) { return ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category(); }

} // namespace

request from_beast(bhttp::request<bhttp::string_body>& raw, const std::string& remote)
{
    request req;
    req.method = std::string{raw.method_string()};
    const std::string target{raw.target()};
    const auto question = target.find('?');
    req.path = target.substr(0, question);
    if (question != std::string::npos) req.query = target.substr(question + 1);
    choose_request_id(raw, req);
    req.remote = remote;
    for (const auto& field : raw) {
        std::string name{field.name_string()};
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        req.headers.emplace_back(std::move(name), std::string{field.value()});
    }
    req.body = std::move(raw.body());
    return req;
}

bool has_absolute_path(const request& req) { return !req.path.empty() && req.path.front() == '/'; }

void session_registry::add(const std::shared_ptr<session>& s, const std::string& client)
{
    std::lock_guard lock(mutex_);
    live_[s.get()] = {s, client};
    ++per_client_[client];
}

void session_registry::remove(session* s)
{
    std::function<void()> drained;
    {
        std::lock_guard lock(mutex_);
        if (auto it = live_.find(s); it != live_.end()) {
            if (auto c = per_client_.find(it->second.client); c != per_client_.end() && --c->second == 0) per_client_.erase(c);
            live_.erase(it);
        }
        if (stopping_ && live_.empty()) drained = drained_;
    }
    if (drained) drained();
}

std::size_t session_registry::connections_from(const std::string& client)
{
    std::lock_guard lock(mutex_);
    auto it = per_client_.find(client);
    return it == per_client_.end() ? 0 : it->second;
}

bool body_budget::reserve(std::size_t bytes)
{
    auto held = held_.load();
    do {
        if (bytes > limit_ || held > limit_ - bytes) return false;
    } while (!held_.compare_exchange_weak(held, held + bytes));
    return true;
}

std::vector<std::shared_ptr<session>> session_registry::snapshot()
{
    std::lock_guard lock(mutex_);
    std::vector<std::shared_ptr<session>> out;
    for (auto& [raw, e] : live_)
        if (auto s = e.s.lock()) out.push_back(std::move(s));
    return out;
}

bool session_registry::empty()
{
    std::lock_guard lock(mutex_);
    return live_.empty();
}

std::size_t session_registry::size()
{
    std::lock_guard lock(mutex_);
    return live_.size();
}

void session_registry::on_drained(std::function<void()> fn)
{
    std::lock_guard lock(mutex_);
    drained_ = std::move(fn);
}

void session_registry::begin_shutdown()
{
    std::lock_guard lock(mutex_);
    stopping_ = true;
}

void session_registry::detach()
{
    std::lock_guard lock(mutex_);
    drained_ = nullptr;
}

session::session(net::ip::tcp::socket&& socket, session_context& ctx)
    : tls_(ctx.tls.current()), stream_(std::move(socket), *tls_), ctx_(ctx), registry_(ctx.registry), bodies_(ctx.bodies)
{
    beast::error_code ec;
    auto& sock = beast::get_lowest_layer(stream_).socket();
    sock.set_option(net::ip::tcp::no_delay(true), ec); // short exchanges stall on Nagle + delayed ACK otherwise
    auto peer = sock.remote_endpoint(ec);
    if (!ec) remote_ = peer.address().to_string();
}

session::~session()
{
    release_body();
    registry_->remove(this);
}

void session::release_body()
{
    if (body_reserved_ == 0) return;
    bodies_->release(body_reserved_);
    body_reserved_ = 0;
}

void session::run()
{
    registry_->add(shared_from_this(), remote_);
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
        beast::get_lowest_layer(self->stream_).expires_after(kHandshakeTimeout);
        self->stream_.async_handshake(net::ssl::stream_base::server,
                                      [self](beast::error_code ec) { self->on_handshake(ec); });
    });
}

void session::stop_if_idle()
{
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
        if (!self->busy_ && !self->closing_) {
            self->closing_ = true;
            beast::error_code ignored;
            beast::get_lowest_layer(self->stream_).socket().shutdown(net::socket_base::shutdown_both, ignored);
            beast::get_lowest_layer(self->stream_).close();
        }
    });
}

void session::on_handshake(beast::error_code ec)
{
    if (ctx_.settings.metrics) ctx_.settings.metrics->count_tls_handshake(!ec);
    if (ec) {
        // Plain HTTP on the TLS port, an old protocol, a scanner: log and drop; the server carries on.
        log::info("tls_handshake_failed", {{"remote", remote_}, {"reason", ec.message()}});
        return;
    }
    do_read();
}

void session::do_read()
{
    if (ctx_.stopping.load() || closing_) return do_close();
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(ctx_.settings.body_limit); // a larger Content-Length fails before the body is read
    beast::get_lowest_layer(stream_).expires_after(ctx_.settings.idle_timeout);
    // The header first: the body's memory is reserved from the shared budget before it is read.
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
}

void session::on_header(beast::error_code ec)
{
    if (read_failed(ec)) return;
    std::size_t need = 0;
    if (auto length = parser_->content_length()) need = static_cast<std::size_t>(*length); // at most body_limit: checked by the parser
    else if (parser_->chunked()) need = ctx_.settings.body_limit;
    if (need > 0 && !bodies_->reserve(need)) {
        log::warn("body_budget_full", {{"remote", remote_}, {"held", bodies_->held()}, {"asked", need}});
        return fail_request(make_error(error_kind::unavailable, "busy", "the server is busy receiving other requests; try again shortly"));
    }
    body_reserved_ = need;
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code read_ec, std::size_t n) { self->on_read(read_ec, n); });
}

void session::on_read(beast::error_code ec, std::size_t)
{
    if (read_failed(ec)) return;
    handle();
}

bool session::read_failed(beast::error_code ec)
{
    if (ec == bhttp::error::end_of_stream || ec == net::error::operation_aborted || ec == net::ssl::error::stream_truncated) {
        do_close();
        return true;
    }
    if (ec == beast::error::timeout) {
        log::info("connection_timeout", {{"remote", remote_}});
        do_close();
        return true;
    }
    started_ = std::chrono::steady_clock::now();
    if (ec == bhttp::error::body_limit) {
        fail_request(make_error(error_kind::payload_too_large, "body_too_large",
                                "the request body exceeds the limit of " + std::to_string(ctx_.settings.body_limit) + " bytes"));
        return true;
    }
    if (ec == bhttp::error::header_limit) {
        fail_request(make_error(error_kind::bad_request, "headers_too_large", "the request headers are too large"));
        return true;
    }
    if (is_parse_error(ec)) {
        fail_request(make_error(error_kind::bad_request, "malformed_request", "malformed HTTP request: " + ec.message()));
        return true;
    }
    if (ec) { // TLS or socket failure: nothing can be sent back
        do_close();
        return true;
    }
    return closing_; // shutdown closed the socket after the read completed: do not act on it
}

void session::handle()
{
    busy_ = true;
    auto& raw = parser_->get();
    request req = from_beast(raw, remote_);
    method_ = req.method.substr(0, 16);
    path_ = req.path.substr(0, 512); // the log line stays short whatever the client sends
    request_id_ = req.request_id;
    route_ = nullptr;
    tenant_.clear();
    head_ = raw.method() == bhttp::verb::head;
    request_keep_alive_ = raw.keep_alive();

    if (!has_absolute_path(req)) {
        return respond(error_response(make_error(error_kind::bad_request, "malformed_request",
                                                 "the request target must be an absolute path"),
                                      req.request_id));
    }
    auto m = ctx_.routes.find(req.method, req.path);
    route_ = m.found ? &m.found->pattern : ctx_.routes.mount_label(req.path);
    if (!m.found || m.found->options.runs_inline) {
        auto res = ctx_.routes.dispatch(req, m);
        tenant_ = ctx_.settings.tenant_of && m.found ? ctx_.settings.tenant_of(req) : std::string{};
        return respond(std::move(res));
    }
    // Blocking work (database, plugins) goes to the worker pool; the reply comes back on this strand.
    // The work guard keeps the network threads running while the worker holds the request,
    // so a shutdown that starts meanwhile still delivers the response.
    net::post(ctx_.workers, [self = shared_from_this(), req = std::move(req), m = std::move(m),
                             guard = net::make_work_guard(stream_.get_executor())]() mutable {
        response res = self->ctx_.routes.dispatch(req, m);
        std::string tenant = self->ctx_.settings.tenant_of ? self->ctx_.settings.tenant_of(req) : std::string{};
        net::post(self->stream_.get_executor(), [self, res = std::move(res), tenant = std::move(tenant)]() mutable {
            self->tenant_ = std::move(tenant);
            self->respond(std::move(res));
        });
    });
}

void session::fail_request(const error& e)
{
    busy_ = true;
    method_ = "-";
    path_ = "-";
    route_ = nullptr;
    tenant_.clear();
    request_id_ = unique_id();
    request_keep_alive_ = false;
    auto res = error_response(e, request_id_);
    res.close = true; // the rest of the stream cannot be trusted
    respond(std::move(res));
}

void session::respond(response r)
{
    release_body(); // the handler is done with the body
    const bool keep_alive = request_keep_alive_ && !r.close && !ctx_.stopping.load();
    res_ = {};
    res_.version(11);
    res_.result(static_cast<unsigned>(r.status));
    res_.set(bhttp::field::server, "dpsd");
    res_.set(bhttp::field::content_type, r.content_type);
    res_.set("X-Request-Id", request_id_);
    res_.set(bhttp::field::cache_control, "no-store");
    res_.set("X-Content-Type-Options", "nosniff");
    res_.set(bhttp::field::strict_transport_security, "max-age=63072000");
    for (auto& [name, value] : r.headers) res_.set(name, value);
    const auto body_size = r.body.size();
    if (!head_) res_.body() = std::move(r.body);
    res_.content_length(body_size);
    res_.keep_alive(keep_alive);

    const auto elapsed = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_).count();
    log::access({.method = method_, .path = path_, .request_id = request_id_, .remote = remote_,
                 .route = route_ ? std::string_view{*route_} : std::string_view{"-"}, .tenant = tenant_,
                 .status = r.status, .bytes = body_size, .duration_us = static_cast<long long>(elapsed * 1000)});
    if (ctx_.settings.metrics)
        ctx_.settings.metrics->observe_request(route_ ? std::string_view{*route_} : std::string_view{"unmatched"}, method_,
                                               r.status, elapsed / 1000.0);

    beast::get_lowest_layer(stream_).expires_after(ctx_.settings.idle_timeout);
    bhttp::async_write(stream_, res_, [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t n) {
        self->on_write(keep_alive, ec, n);
    });
}

void session::on_write(bool keep_alive, beast::error_code ec, std::size_t)
{
    busy_ = false;
    if (ec) return do_close();
    if (!keep_alive) return do_close();
    do_read();
}

void session::do_close()
{
    release_body();
    if (closing_ && !beast::get_lowest_layer(stream_).socket().is_open()) return;
    closing_ = true;
    if (ctx_.stopping.load()) { // the server is going away: do not wait for the peer's close_notify
        beast::error_code ignored;
        beast::get_lowest_layer(stream_).socket().shutdown(net::socket_base::shutdown_both, ignored);
        beast::get_lowest_layer(stream_).close();
        return;
    }
    beast::get_lowest_layer(stream_).expires_after(kCloseTimeout);
    stream_.async_shutdown([self = shared_from_this()](beast::error_code) {
        beast::error_code ignored;
        beast::get_lowest_layer(self->stream_).socket().shutdown(net::socket_base::shutdown_both, ignored);
        beast::get_lowest_layer(self->stream_).close();
    });
}

} // namespace dps::http
