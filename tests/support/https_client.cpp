// Beast/Asio client side; compiled against the platform's separately-compiled Asio.
#include "support/https_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>

#include <openssl/ssl.h>

#include <algorithm>
#include <stdexcept>

namespace dps::test {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

boost::json::value http_reply::json() const { return boost::json::parse(body); }

std::string http_reply::header(const std::string& name) const
{
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
}

struct https_client::impl {
    impl(unsigned short p, std::string from) : port(p), source(std::move(from)), tls(ssl::context::tls_client)
    {
        tls.set_verify_mode(ssl::verify_none);
    }
    unsigned short port;
    std::string source;
    net::io_context ioc;
    ssl::context tls;
    std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> stream;
    beast::flat_buffer buffer;
};

https_client::https_client(unsigned short port, std::string source) : impl_(std::make_unique<impl>(port, std::move(source))) {}
https_client::~https_client()
{
    if (impl_->stream) {
        beast::error_code ignored;
        beast::get_lowest_layer(*impl_->stream).socket().close(ignored);
    }
}

void https_client::connect()
{
    auto& p = *impl_;
    p.stream = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(p.ioc, p.tls);
    p.buffer.clear();
    beast::get_lowest_layer(*p.stream).expires_after(std::chrono::seconds{10});
    auto& socket = beast::get_lowest_layer(*p.stream).socket();
    socket.open(tcp::v4());
    socket.bind(tcp::endpoint(net::ip::make_address(p.source), 0));
    beast::get_lowest_layer(*p.stream).connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), p.port));
    p.stream->handshake(ssl::stream_base::client);
    ++connections_;
}

http_reply https_client::send(const std::string& method, const std::string& target, const std::string& body,
                              const header_list& headers)
{
    auto& p = *impl_;
    if (!p.stream) connect();
    bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), target, 11};
    req.set(bhttp::field::host, "localhost");
    for (const auto& [k, v] : headers) req.set(k, v);
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
        req.body() = body;
        req.prepare_payload();
    }
    beast::get_lowest_layer(*p.stream).expires_after(std::chrono::seconds{30});
    bhttp::write(*p.stream, req);
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    if (method == "HEAD") parser.skip(true);
    bhttp::read(*p.stream, p.buffer, parser);
    auto& res = parser.get();
    http_reply out;
    out.status = static_cast<int>(res.result_int());
    for (const auto& f : res) {
        std::string name{f.name_string()};
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        out.headers[name] = std::string{f.value()};
    }
    out.body = res.body();
    out.keep_alive = res.keep_alive();
    if (!out.keep_alive) p.stream.reset();
    return out;
}

std::string https_client::send_raw(const std::string& bytes, std::chrono::milliseconds timeout)
{
    auto& p = *impl_;
    if (!p.stream) connect();
    beast::get_lowest_layer(*p.stream).expires_after(timeout);
    net::write(*p.stream, net::buffer(bytes));
    std::string out;
    char chunk[4096];
    for (;;) {
        beast::error_code ec;
        std::size_t n = p.stream->read_some(net::buffer(chunk), ec);
        out.append(chunk, n);
        if (ec) break;
    }
    p.stream.reset();
    return out;
}

void https_client::write_raw(const std::string& bytes)
{
    auto& p = *impl_;
    if (!p.stream) connect();
    beast::get_lowest_layer(*p.stream).expires_after(std::chrono::seconds{10});
    net::write(*p.stream, net::buffer(bytes));
}

bool https_client::closed_by_server(std::chrono::milliseconds timeout)
{
    auto& p = *impl_;
    if (!p.stream) return true;
    beast::get_lowest_layer(*p.stream).expires_after(timeout);
    char byte;
    beast::error_code ec;
    p.stream->read_some(net::buffer(&byte, 1), ec);
    const bool closed = ec && ec != beast::error::timeout;
    p.stream.reset();
    return closed;
}

std::string try_tls_handshake(unsigned short port, int protocol_version)
{
    net::io_context ioc;
    ssl::context tls(ssl::context::tls_client);
    tls.set_verify_mode(ssl::verify_none);
    // Level 0 so that the client itself would accept an old protocol: only the server may refuse.
    SSL_CTX_set_security_level(tls.native_handle(), 0);
    SSL_CTX_set_cipher_list(tls.native_handle(), "ALL:@SECLEVEL=0");
    SSL_CTX_set_min_proto_version(tls.native_handle(), protocol_version);
    SSL_CTX_set_max_proto_version(tls.native_handle(), protocol_version);
    beast::ssl_stream<beast::tcp_stream> stream(ioc, tls);
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds{5});
    beast::error_code ec;
    beast::get_lowest_layer(stream).connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
    if (ec) return "connect: " + ec.message();
    stream.handshake(ssl::stream_base::client, ec);
    return ec ? ec.message() : "";
}

std::string plain_tcp_exchange(unsigned short port, const std::string& bytes)
{
    net::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.expires_after(std::chrono::seconds{5});
    stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    net::write(stream, net::buffer(bytes));
    std::string out;
    char chunk[4096];
    for (;;) {
        beast::error_code ec;
        std::size_t n = stream.read_some(net::buffer(chunk), ec);
        out.append(chunk, n);
        if (ec) break;
    }
    return out;
}

} // namespace dps::test
