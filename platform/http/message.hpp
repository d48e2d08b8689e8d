// The HTTP request and response as handlers see them: plain values, no sockets, no Beast.
#pragma once

#include <boost/json/value.hpp>

#include <any>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace dps::http {

struct request {
    std::string method;  // "GET", "POST", …
    std::string path;    // decoded path without the query
    std::string query;   // raw query string, without '?'
    std::vector<std::pair<std::string, std::string>> headers; // names lower-case
    std::string body;
    std::string request_id;          // echoed in X-Request-Id and in error bodies
    bool request_id_from_client = false; // the client chose it (X-Request-Id): dpsd cannot vouch that it is unique
    std::string remote; // peer address
    std::unordered_map<std::string, std::string> path_params; // filled by the router
    boost::json::value json;                                  // parsed body, for routes that take JSON
    std::any caller;                                          // set by the route's admit step (the principal)

    const std::string* header(std::string_view name) const;   // name in lower case
    // The request id audit rows record: one a client chose is marked "client:", so that it is never
    // taken for an id dpsd issued (dpsd's own ids are hex).
    std::string audited_request_id() const { return request_id_from_client ? "client:" + request_id : request_id; }
    const std::string& param(const std::string& name) const;  // a path parameter; empty if absent
};

struct response {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers; // extra headers, e.g. Allow
    bool close = false; // close the connection after sending
};

} // namespace dps::http
