// OpenSSL for every primitive: PKCS5_PBKDF2_HMAC, RAND_bytes, CRYPTO_memcmp, EVP base64.
#include "auth/secrets.hpp"

#include "core/digest.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cctype>
#include <charconv>
#include <stdexcept>
#include <vector>

namespace dps::auth {
namespace {

std::string base64(const unsigned char* data, std::size_t size)
{
    std::string out(4 * ((size + 2) / 3), '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::vector<unsigned char> unbase64(std::string_view text)
{
    std::vector<unsigned char> out(3 * text.size() / 4 + 3);
    const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
    if (n < 0) return {};
    std::size_t size = static_cast<std::size_t>(n);
    for (auto it = text.rbegin(); it != text.rend() && *it == '='; ++it) --size; // DecodeBlock counts padding
    out.resize(size);
    return out;
}

std::vector<unsigned char> random_bytes(std::size_t n)
{
    std::vector<unsigned char> out(n);
    if (RAND_bytes(out.data(), static_cast<int>(n)) != 1) throw std::runtime_error("RAND_bytes failed");
    return out;
}

std::vector<unsigned char> pbkdf2(std::string_view password, const std::vector<unsigned char>& salt, int iterations)
{
    std::vector<unsigned char> out(32);
    if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt.data(), static_cast<int>(salt.size()),
                          iterations, EVP_sha256(), static_cast<int>(out.size()), out.data()) != 1)
        throw std::runtime_error("PKCS5_PBKDF2_HMAC failed");
    return out;
}

} // namespace

std::string hash_password(std::string_view password, int iterations)
{
    const auto salt = random_bytes(16);
    const auto hash = pbkdf2(password, salt, iterations);
    return "pbkdf2-sha256$" + std::to_string(iterations) + "$" + base64(salt.data(), salt.size()) + "$" +
           base64(hash.data(), hash.size());
}

bool verify_password(std::string_view password, std::string_view stored)
{
    constexpr std::string_view prefix = "pbkdf2-sha256$";
    if (stored.substr(0, prefix.size()) != prefix) return false;
    stored.remove_prefix(prefix.size());
    const auto d1 = stored.find('$');
    const auto d2 = stored.find('$', d1 == std::string_view::npos ? d1 : d1 + 1);
    if (d1 == std::string_view::npos || d2 == std::string_view::npos) return false;
    int iterations = 0;
    auto [end, ec] = std::from_chars(stored.data(), stored.data() + d1, iterations);
    if (ec != std::errc{} || end != stored.data() + d1 || iterations < 1 || iterations > 10'000'000) return false;
    const auto salt = unbase64(stored.substr(d1 + 1, d2 - d1 - 1));
    const auto expected = unbase64(stored.substr(d2 + 1));
    if (salt.empty() || expected.size() != 32) return false;
    const auto actual = pbkdf2(password, salt, iterations);
    return CRYPTO_memcmp(actual.data(), expected.data(), expected.size()) == 0;
}

std::string new_token_secret()
{
    const auto bytes = random_bytes(32);
    std::string text = base64(bytes.data(), bytes.size());
    for (auto& c : text) {
        if (c == '+') c = '-';
        else if (c == '/') c = '_';
    }
    while (!text.empty() && text.back() == '=') text.pop_back();
    return "dps_" + text;
}

std::string token_hash(std::string_view secret) { return sha256_hex(secret); }

bool looks_like_token(std::string_view secret)
{
    if (secret.size() != 47 || secret.substr(0, 4) != "dps_") return false;
    for (char c : secret.substr(4))
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
    return true;
}

} // namespace dps::auth
