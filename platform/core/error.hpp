// The platform's error kinds and the error value that crosses layer boundaries.
// What a client sees (code, message) is kept apart from what is only logged (detail).
#pragma once

#include <string>
#include <string_view>

namespace dps {

enum class error_kind {
    bad_request,            // 400: the input is malformed or invalid
    unauthorized,           // 401: no or bad credentials
    forbidden,              // 403: authenticated, but the role may not do this
    not_found,              // 404: no such object (or not visible to the caller)
    method_not_allowed,     // 405
    conflict,               // 409: the object's state forbids the move
    payload_too_large,      // 413
    unsupported_media_type, // 415
    unprocessable,          // 422: well-formed but rejected by a rule (e.g. a plugin)
    too_many_requests,      // 429
    unavailable,            // 503: a dependency (the database) is down
    internal,               // 500
};

struct error {
    error_kind kind = error_kind::internal;
    std::string code;    // stable machine-readable code, e.g. "body_too_large"
    std::string message; // safe to show to the client
    std::string detail;  // for the log only; never sent to the client
};

inline error make_error(error_kind kind, std::string code, std::string message, std::string detail = {})
{
    return error{kind, std::move(code), std::move(message), std::move(detail)};
}

// The one mapping from error kind to HTTP status.
int http_status(error_kind kind) noexcept;

// The refusals every module makes, built one way so that each reads the same everywhere.
error not_found(std::string_view what);                                       // 404 not_found: "no such <what>"
error forbidden(std::string why);                                             // 403 forbidden
error invalid(std::string_view field, std::string_view why);                  // 400 invalid_field: "<field>: <why>"
error conflict(std::string code, std::string message, std::string state = {}); // 409; detail: the current state

} // namespace dps
