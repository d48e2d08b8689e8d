// Passwords and bearer tokens: how they are made, stored and checked. Secrets never leave this file's
// functions except once, to the caller that created them.
#pragma once

#include <string>
#include <string_view>

namespace dps::auth {

// PBKDF2-HMAC-SHA256, random 16-byte salt; stored as "pbkdf2-sha256$ITERATIONS$SALT$HASH" (base64).
// 600,000 iterations is OWASP's 2023 figure for PBKDF2-HMAC-SHA256.
inline constexpr int kPasswordIterations = 600'000;
std::string hash_password(std::string_view password, int iterations = kPasswordIterations);
// Constant-time comparison; false for a malformed stored hash.
bool verify_password(std::string_view password, std::string_view stored);

// 256 bits from OpenSSL's CSPRNG, as "dps_" + base64url. Only the SHA-256 of it is stored.
std::string new_token_secret();
std::string token_hash(std::string_view secret);
// Cheap shape check before touching the database.
bool looks_like_token(std::string_view secret);

} // namespace dps::auth
