// Mozilla intermediate configuration (TLS 1.2 + 1.3; ECDHE with AES-GCM or ChaCha20-Poly1305).
#include "http/tls_context.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/ssl/error.hpp>

#include <filesystem>

namespace dps::http {
namespace {

constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305";
constexpr const char* kTls13Suites = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";
constexpr const char* kGroups = "X25519:prime256v1:secp384r1";

error tls_error(const char* setting, const std::string& message)
{
    return make_error(error_kind::bad_request, "bad_config", std::string{setting} + ": " + message);
}

std::string openssl_reason()
{
    unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0) return "unknown OpenSSL error";
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    return buffer;
}

std::string reason_of(const boost::system::error_code& ec)
{
    ERR_clear_error();
    return ec.message().empty() ? "unknown OpenSSL error" : ec.message();
}

} // namespace

result<std::shared_ptr<boost::asio::ssl::context>> make_server_tls_context(const std::string& cert_file,
                                                                           const std::string& key_file)
{
    namespace ssl = boost::asio::ssl;
    if (cert_file.empty()) return tls_error("DPS_TLS_CERT", "no certificate configured");
    if (key_file.empty()) return tls_error("DPS_TLS_KEY", "no private key configured");
    std::error_code fs_ec;
    if (!std::filesystem::is_regular_file(cert_file, fs_ec)) return tls_error("DPS_TLS_CERT", "no such file '" + cert_file + "'");
    if (!std::filesystem::is_regular_file(key_file, fs_ec)) return tls_error("DPS_TLS_KEY", "no such file '" + key_file + "'");

    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
    SSL_CTX* native = ctx->native_handle();
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                     ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::no_compression |
                     ssl::context::single_dh_use);
    SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION);
    if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1 || SSL_CTX_set_max_proto_version(native, TLS1_3_VERSION) != 1 ||
        SSL_CTX_set_cipher_list(native, kTls12Ciphers) != 1 || SSL_CTX_set_ciphersuites(native, kTls13Suites) != 1 ||
        SSL_CTX_set1_groups_list(native, kGroups) != 1)
        return tls_error("DPS_TLS_CERT", "OpenSSL refused the TLS settings: " + openssl_reason());

    // Asio takes the reason off OpenSSL's error queue into ec, so it is read from there.
    boost::system::error_code ec;
    const std::string mismatch = "the key '" + key_file + "' does not match the certificate '" + cert_file + "'";
    ctx->use_certificate_chain_file(cert_file, ec);
    if (ec) return tls_error("DPS_TLS_CERT", "cannot load certificate '" + cert_file + "': " + reason_of(ec));
    ctx->use_private_key_file(key_file, ssl::context::pem, ec);
    if (ec && ec.category() == boost::asio::error::get_ssl_category() &&
        ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == X509_R_KEY_VALUES_MISMATCH)
        return tls_error("DPS_TLS_KEY", mismatch); // OpenSSL checks the key against the certificate as it loads it
    if (ec) return tls_error("DPS_TLS_KEY", "cannot load private key '" + key_file + "': " + reason_of(ec));
    if (SSL_CTX_check_private_key(native) != 1) return tls_error("DPS_TLS_KEY", mismatch);
    return ctx;
}

certificate_summary describe_certificate(boost::asio::ssl::context& ctx)
{
    certificate_summary out;
    X509* cert = SSL_CTX_get0_certificate(ctx.native_handle());
    if (!cert) return out;
    auto text_of = [](auto&& print) {
        std::string text;
        if (BIO* bio = BIO_new(BIO_s_mem())) {
            if (print(bio) > 0) {
                char* data = nullptr;
                const long n = BIO_get_mem_data(bio, &data);
                if (n > 0) text.assign(data, static_cast<std::size_t>(n));
            }
            BIO_free(bio);
        }
        return text;
    };
    out.subject = text_of([&](BIO* b) { return X509_NAME_print_ex(b, X509_get_subject_name(cert), 0, XN_FLAG_RFC2253); });
    out.not_after = text_of([&](BIO* b) { return ASN1_TIME_print(b, X509_get0_notAfter(cert)); });
    return out;
}

} // namespace dps::http
