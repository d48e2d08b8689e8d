// A small synchronous HTTPS client for black-box tests of the real server over real TLS.
#pragma once

#include <boost/json/value.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace dps::test {

struct http_reply {
    int status = 0;
    std::map<std::string, std::string> headers; // lower-case names
    std::string body;
    bool keep_alive = false;
    boost::json::value json() const;
    std::string header(const std::string& name) const;
};

using header_list = std::vector<std::pair<std::string, std::string>>;

class https_client {
public:
    // source: the loopback address the connection comes from (127.0.0.1; any 127.x works), to be
    // another client as far as per-address limits go.
    explicit https_client(unsigned short port, std::string source = "127.0.0.1");
    ~https_client();

    // Sends one request on the kept-alive connection (opening one if needed) and reads the reply.
    http_reply send(const std::string& method, const std::string& target, const std::string& body = {},
                    const header_list& headers = {});
    http_reply get(const std::string& target, const header_list& headers = {}) { return send("GET", target, {}, headers); }

    // Writes raw bytes over TLS and returns everything the server sends until it closes or the timeout.
    std::string send_raw(const std::string& bytes, std::chrono::milliseconds timeout = std::chrono::seconds{5});

    // Writes raw bytes over TLS and returns at once, the connection left open (a stalled upload).
    void write_raw(const std::string& bytes);

    // True if the server has closed the connection (a read sees end of stream within the timeout).
    bool closed_by_server(std::chrono::milliseconds timeout);

    int connections_opened() const { return connections_; }

private:
    struct impl;
    std::unique_ptr<impl> impl_;
    int connections_ = 0;
    void connect();
};

// Tries a TLS handshake limited to one protocol version (e.g. TLS1_1_VERSION); returns the error or "".
std::string try_tls_handshake(unsigned short port, int protocol_version);

// Sends bytes over plain TCP and returns what comes back before the server closes.
std::string plain_tcp_exchange(unsigned short port, const std::string& bytes);

} // namespace dps::test
