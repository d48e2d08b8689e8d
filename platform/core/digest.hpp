// SHA-256 through OpenSSL, as lowercase hex: migration checksums, audit payload digests.
#pragma once

#include <string>
#include <string_view>

namespace dps {

std::string sha256_hex(std::string_view data);

// Hex of n bytes from OpenSSL's CSPRNG (request ids, tokens).
std::string random_hex(std::size_t bytes);

} // namespace dps
