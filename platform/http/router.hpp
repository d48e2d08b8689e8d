// Routes: method + path pattern ("/v1/dps/{dps_id}/lots") → handler. Knows nothing of sockets.
#pragma once

#include "http/message.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace dps::http {

using handler = std::function<response(request&)>;

enum class body_kind { none, json };

struct route_options {
    body_kind body = body_kind::none;
    // Cheap handlers that never block (no database, no plugin) run on the network thread;
    // everything else runs on the worker pool so a slow query never stalls TLS handshakes.
    bool runs_inline = false;
    // Runs before the body is looked at (authentication and authorisation): a response here ends the request.
    std::function<std::optional<response>(request&)> admit;
};

struct route {
    std::string method;
    std::string pattern;
    handler fn;
    route_options options;
    std::vector<std::string> segments; // pattern split at '/'; "{name}" captures one segment
};

class router {
public:
    void add(std::string method, std::string pattern, handler fn, route_options options = {});

    struct match {
        const route* found = nullptr;                      // null when nothing matched
        std::vector<std::string> allowed;                  // methods for this path when only the method is wrong
        std::unordered_map<std::string, std::string> params;
    };
    match find(const std::string& method, const std::string& path) const;

    // Matches, checks the body (content type, JSON), runs the handler, turns failures into the envelope.
    response dispatch(request& req, const match& m) const;
    response dispatch(request& req) const { return dispatch(req, find(req.method, req.path)); }

    const std::vector<route>& routes() const { return routes_; }

    // Files served under a prefix ("/app/") when no route matches: the web console. GET and HEAD
    // only; the prefix without its trailing slash redirects to it. Not API routes: routes() omits them.
    void mount(std::string prefix, handler serve);
    // The prefix a path falls under, labelled "/app/*", for logs and metrics; null if none.
    const std::string* mount_label(const std::string& path) const;

private:
    struct mount_point {
        std::string prefix, label;
        handler serve;
    };
    std::vector<route> routes_;
    std::vector<mount_point> mounts_;
};

} // namespace dps::http
