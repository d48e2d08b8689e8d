// A throwaway self-signed certificate for loopback, made with OpenSSL in-process.
#pragma once

#include <string>

namespace dps::test {

struct certificate_files {
    std::string cert;
    std::string key;
};

// Written once per process into a temporary folder; the same files on every call.
const certificate_files& test_certificate();

} // namespace dps::test
