// A folder of files (the web console's built assets) served under a path prefix: read into memory
// once at start, each with its content type and an ETag, so serving is a map lookup on the network
// thread. Only files found at load time exist: a path cannot reach outside the folder.
#pragma once

#include "core/result.hpp"
#include "http/message.hpp"

#include <filesystem>
#include <map>
#include <memory>
#include <string>

namespace dps::http {

class static_files {
public:
    // Every regular file under dir (at most 2,000 files and 64 MiB in all). prefix: "/app/".
    static result<std::shared_ptr<const static_files>> load(const std::filesystem::path& dir, std::string prefix);

    // GET or HEAD of prefix + relative path; the prefix itself (and any path ending in '/') is its
    // index.html. 304 for a matching If-None-Match. Every answer is revalidated (no-cache + ETag),
    // so a new deployment is picked up at once; HTML pages carry the console's Content-Security-Policy.
    response serve(const request& req) const;
    std::size_t size() const { return files_.size(); }

private:
    struct file {
        std::string body, content_type, etag;
    };
    std::string prefix_;
    std::map<std::string, file, std::less<>> files_; // by path relative to the folder, '/'-separated
};

// The console's policy: scripts, styles, fonts and images from dpsd only, no inline script, no
// framing, and API calls to the same origin.
inline constexpr const char* kConsoleContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

} // namespace dps::http
