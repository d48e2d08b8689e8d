// Turning a request Beast has parsed into the plain request handlers see: one conversion, used by
// the connection (session.cpp) and by the HTTP fuzz target (tests/fuzz), so that what is fuzzed is
// what serves.
#pragma once

#include "http/message.hpp"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstddef>
#include <string>

namespace dps::http {

constexpr std::size_t kHeaderLimit = 16 * 1024; // request line and headers, bytes

// Moves the body out of raw. The request id is the client's X-Request-Id if plain, else a new one.
request from_beast(boost::beast::http::request<boost::beast::http::string_body>& raw, const std::string& remote);

// False for a target that is not an absolute path ("*", "http://…"): such a request is refused with 400.
bool has_absolute_path(const request& req);

} // namespace dps::http
