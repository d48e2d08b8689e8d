// Digests and randomness from OpenSSL; never hand-rolled.
#include "core/digest.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstdint>
#include <random>
#include <stdexcept>
#include <vector>

namespace dps {
namespace {

std::string to_hex(const unsigned char* data, std::size_t size)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(size * 2);
    for (std::size_t i = 0; i < size; ++i) {
        out.push_back(digits[data[i] >> 4]);
        out.push_back(digits[data[i] & 0x0f]);
    }
    return out;
}

} // namespace

std::string sha256_hex(std::string_view data)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("EVP_Digest(sha256) failed");
    return to_hex(digest, size);
}

std::string random_hex(std::size_t bytes)
{
    std::vector<unsigned char> buffer(bytes);
    if (RAND_bytes(buffer.data(), static_cast<int>(buffer.size())) != 1) throw std::runtime_error("RAND_bytes failed");
    return to_hex(buffer.data(), buffer.size());
}

std::string unique_id()
{
    thread_local std::mt19937_64 generator = [] {
        std::uint64_t seed[2];
        if (RAND_bytes(reinterpret_cast<unsigned char*>(seed), sizeof seed) != 1) throw std::runtime_error("RAND_bytes failed");
        std::seed_seq sequence{seed[0], seed[0] >> 32, seed[1], seed[1] >> 32};
        return std::mt19937_64{sequence};
    }();
    unsigned char bytes[16];
    for (int half = 0; half < 2; ++half) {
        std::uint64_t v = generator();
        for (int i = 0; i < 8; ++i) bytes[half * 8 + i] = static_cast<unsigned char>(v >> (8 * i));
    }
    return to_hex(bytes, sizeof bytes);
}

} // namespace dps
