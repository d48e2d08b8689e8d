// JSON in and out of HTTP bodies, and the one error envelope every error response uses:
// {"error":{"code":"…","message":"…","request_id":"…"}}
#pragma once

#include "core/result.hpp"
#include "http/message.hpp"

#include <boost/json/value.hpp>

#include <string_view>

namespace dps::http {

// Parses a body; on failure the message says where (line and column) and what was wrong.
result<boost::json::value> parse_json_body(std::string_view body);

response json_response(int status, const boost::json::value& body);
response error_response(const error& e, std::string_view request_id);

} // namespace dps::http
