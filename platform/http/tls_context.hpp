// The server's TLS settings: TLS 1.2 and 1.3 only, Mozilla "intermediate" ciphers and groups.
#pragma once

#include "core/result.hpp"

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <string>

namespace dps::http {

// Loads the certificate chain and key; errors name DPS_TLS_CERT or DPS_TLS_KEY.
result<std::shared_ptr<boost::asio::ssl::context>> make_server_tls_context(const std::string& cert_file,
                                                                           const std::string& key_file);

// The loaded leaf certificate, for log lines: its subject (RFC 2253) and expiry (OpenSSL's text).
struct certificate_summary {
    std::string subject;
    std::string not_after;
};
certificate_summary describe_certificate(boost::asio::ssl::context& ctx);

} // namespace dps::http
