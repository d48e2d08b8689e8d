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
    std::string request_id;
    std::string remote; // peer address
    std::unordered_map<std::string, std::string> path_params; // filled by the router
    boost::json::value json;                                  // parsed body, for routes that take JSON
    std::any caller;                                          // set by the route's admit step (the principal)

    const std::string* header(std::string_view name) const;   // name in lower case
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
