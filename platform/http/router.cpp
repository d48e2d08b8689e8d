// Path matching with parameters; 404 for unknown paths, 405 with Allow for known paths, 415/400 for bodies.
#include "http/router.hpp"

#include "http/json_io.hpp"
#include "log/logger.hpp"

#include <algorithm>
#include <stdexcept>

namespace dps::http {
namespace {

std::vector<std::string> split_path(const std::string& path)
{
    std::vector<std::string> parts;
    std::size_t start = 1;
    while (start <= path.size()) {
        auto slash = path.find('/', start);
        if (slash == std::string::npos) slash = path.size();
        parts.push_back(path.substr(start, slash - start));
        start = slash + 1;
    }
    return parts;
}

bool is_param(const std::string& segment)
{
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

bool is_json_content_type(const std::string* value)
{
    if (!value) return false;
    std::string v = value->substr(0, value->find(';'));
    std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    while (!v.empty() && v.back() == ' ') v.pop_back();
    return v == "application/json";
}

} // namespace

void router::add(std::string method, std::string pattern, handler fn, route_options options)
{
    if (pattern.empty() || pattern.front() != '/') throw std::invalid_argument("route pattern must start with '/': " + pattern);
    for (const auto& r : routes_)
        if (r.method == method && r.pattern == pattern) throw std::invalid_argument("duplicate route " + method + " " + pattern);
    route r{std::move(method), std::move(pattern), std::move(fn), options, {}};
    r.segments = split_path(r.pattern);
    routes_.push_back(std::move(r));
}

router::match router::find(const std::string& method, const std::string& path) const
{
    match out;
    if (path.empty() || path.front() != '/') return out;
    const auto parts = split_path(path);
    for (const auto& r : routes_) {
        if (r.segments.size() != parts.size()) continue;
        std::unordered_map<std::string, std::string> params;
        bool ok = true;
        for (std::size_t i = 0; i < parts.size() && ok; ++i) {
            if (is_param(r.segments[i])) {
                if (parts[i].empty()) ok = false;
                else params[r.segments[i].substr(1, r.segments[i].size() - 2)] = parts[i];
            } else {
                ok = r.segments[i] == parts[i];
            }
        }
        if (!ok) continue;
        if (r.method == method || (method == "HEAD" && r.method == "GET")) {
            out.found = &r;
            out.params = std::move(params);
            out.allowed.clear();
            return out;
        }
        if (std::find(out.allowed.begin(), out.allowed.end(), r.method) == out.allowed.end()) out.allowed.push_back(r.method);
    }
    return out;
}

response router::dispatch(request& req, const match& m) const
{
    if (!m.found) {
        if (!m.allowed.empty()) {
            std::string allow;
            for (const auto& a : m.allowed) allow += (allow.empty() ? "" : ", ") + a;
            auto r = error_response(make_error(error_kind::method_not_allowed, "method_not_allowed",
                                               req.method + " is not allowed here; allowed: " + allow),
                                    req.request_id);
            r.headers.emplace_back("Allow", allow);
            return r;
        }
        for (const auto& mp : mounts_) {
            const bool bare = req.path + "/" == mp.prefix;
            if (!bare && !req.path.starts_with(mp.prefix)) continue;
            if (req.method != "GET" && req.method != "HEAD") {
                auto r = error_response(make_error(error_kind::method_not_allowed, "method_not_allowed",
                                                   req.method + " is not allowed here; allowed: GET, HEAD"),
                                        req.request_id);
                r.headers.emplace_back("Allow", "GET, HEAD");
                return r;
            }
            if (bare) return response{308, "text/plain; charset=utf-8", "", {{"Location", mp.prefix}}, false};
            if (!req.body.empty())
                return error_response(make_error(error_kind::bad_request, "unexpected_body", "this endpoint takes no request body"),
                                      req.request_id);
            return mp.serve(req);
        }
        return error_response(make_error(error_kind::not_found, "not_found", "no such resource: " + req.path), req.request_id);
    }
    req.path_params = m.params;
    try {
        if (m.found->options.admit) {
            if (auto refused = m.found->options.admit(req)) return std::move(*refused);
        }
    } catch (const std::exception& e) {
        log::error("admit_exception", {{"path", req.path}, {"request_id", req.request_id}, {"detail", e.what()}});
        return error_response(make_error(error_kind::internal, "internal_error", "an internal error occurred"), req.request_id);
    }
    if (m.found->options.body == body_kind::json) {
        if (!is_json_content_type(req.header("content-type")))
            return error_response(make_error(error_kind::unsupported_media_type, "unsupported_media_type",
                                             "this endpoint takes a JSON body: send Content-Type: application/json"),
                                  req.request_id);
        auto parsed = parse_json_body(req.body);
        if (!parsed) return error_response(parsed.err(), req.request_id);
        req.json = std::move(*parsed);
    } else if (!req.body.empty()) {
        return error_response(make_error(error_kind::bad_request, "unexpected_body", "this endpoint takes no request body"),
                              req.request_id);
    }
    try {
        return m.found->fn(req);
    } catch (const std::exception& e) { // a handler bug must not take the connection down
        log::error("handler_exception", {{"path", req.path}, {"request_id", req.request_id}, {"detail", e.what()}});
        return error_response(make_error(error_kind::internal, "internal_error", "an internal error occurred"), req.request_id);
    }
}

void router::mount(std::string prefix, handler serve)
{
    std::string label = prefix + "*";
    mounts_.push_back({std::move(prefix), std::move(label), std::move(serve)});
}

const std::string* router::mount_label(const std::string& path) const
{
    for (const auto& mp : mounts_)
        if (path.starts_with(mp.prefix) || path + "/" == mp.prefix) return &mp.label;
    return nullptr;
}

} // namespace dps::http
