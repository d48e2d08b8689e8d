#include "http/static_files.hpp"

#include "core/digest.hpp"
#include "http/json_io.hpp"

#include <fstream>
#include <sstream>

namespace dps::http {

namespace {

constexpr std::size_t kMaxFiles = 2000;
constexpr std::uintmax_t kMaxBytes = 64u << 20;

std::string content_type_of(const std::filesystem::path& p)
{
    const auto ext = p.extension().string();
    if (ext == ".html") return "text/html; charset=utf-8";
    if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
    if (ext == ".css") return "text/css; charset=utf-8";
    if (ext == ".json" || ext == ".map") return "application/json";
    if (ext == ".svg") return "image/svg+xml";
    if (ext == ".png") return "image/png";
    if (ext == ".ico") return "image/x-icon";
    if (ext == ".woff2") return "font/woff2";
    if (ext == ".woff") return "font/woff";
    if (ext == ".txt") return "text/plain; charset=utf-8";
    return "application/octet-stream";
}

} // namespace

result<std::shared_ptr<const static_files>> static_files::load(const std::filesystem::path& dir, std::string prefix)
{
    auto fail = [&](const std::string& why) {
        return make_error(error_kind::bad_request, "bad_config", "console folder " + dir.string() + ": " + why);
    };
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) return fail("not a folder");
    auto out = std::make_shared<static_files>();
    out->prefix_ = std::move(prefix);
    std::uintmax_t total = 0;
    for (auto it = std::filesystem::recursive_directory_iterator(dir, ec); !ec && it != std::filesystem::recursive_directory_iterator();
         it.increment(ec)) {
        if (!it->is_regular_file(ec)) continue;
        if (out->files_.size() >= kMaxFiles) return fail("more than 2000 files");
        total += it->file_size(ec);
        if (total > kMaxBytes) return fail("more than 64 MiB");
        std::ifstream in(it->path(), std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        if (!in) return fail("cannot read " + it->path().string());
        file f;
        f.body = text.str();
        f.content_type = content_type_of(it->path());
        f.etag = "\"" + sha256_hex(f.body).substr(0, 32) + "\"";
        out->files_.emplace(std::filesystem::relative(it->path(), dir).generic_string(), std::move(f));
    }
    if (ec) return fail(ec.message());
    if (!out->files_.count("index.html")) return fail("no index.html");
    return std::shared_ptr<const static_files>(std::move(out));
}

response static_files::serve(const request& req) const
{
    std::string_view relative{req.path};
    relative.remove_prefix(std::min(relative.size(), prefix_.size()));
    std::string name{relative};
    if (name.empty() || name.back() == '/') name += "index.html";
    const auto found = files_.find(name);
    if (found == files_.end())
        return error_response(make_error(error_kind::not_found, "not_found", "no such resource: " + req.path), req.request_id);
    const file& f = found->second;
    std::vector<std::pair<std::string, std::string>> headers{{"ETag", f.etag}, {"Cache-Control", "no-cache"}};
    if (f.content_type.starts_with("text/html")) {
        headers.emplace_back("Content-Security-Policy", kConsoleContentSecurityPolicy);
        headers.emplace_back("Referrer-Policy", "no-referrer");
        headers.emplace_back("X-Frame-Options", "DENY");
    }
    if (const auto* match = req.header("if-none-match"); match && *match == f.etag)
        return response{304, f.content_type, {}, std::move(headers), false};
    return response{200, f.content_type, f.body, std::move(headers), false};
}

} // namespace dps::http
