// SHA-256 through OpenSSL, as lowercase hex: migration checksums, audit payload digests.
#pragma once

#include <string>
#include <string_view>

namespace dps {

std::string sha256_hex(std::string_view data);

// Hex of n bytes from OpenSSL's CSPRNG: for secrets (tokens, salts).
std::string random_hex(std::size_t bytes);

// 32 hex characters, unique with overwhelming probability but not secret: for request ids.
// A per-thread generator seeded from the CSPRNG keeps it off OpenSSL's per-call checks.
std::string unique_id();

} // namespace dps
