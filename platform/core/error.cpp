// Maps error kinds to HTTP statuses: the only place that knows both.
#include "core/error.hpp"

namespace dps {

int http_status(error_kind kind) noexcept
{
    switch (kind) {
    case error_kind::bad_request: return 400;
    case error_kind::unauthorized: return 401;
    case error_kind::forbidden: return 403;
    case error_kind::not_found: return 404;
    case error_kind::method_not_allowed: return 405;
    case error_kind::conflict: return 409;
    case error_kind::payload_too_large: return 413;
    case error_kind::unsupported_media_type: return 415;
    case error_kind::unprocessable: return 422;
    case error_kind::too_many_requests: return 429;
    case error_kind::unavailable: return 503;
    case error_kind::internal: return 500;
    }
    return 500;
}

error not_found(std::string_view what) { return make_error(error_kind::not_found, "not_found", "no such " + std::string{what}); }

error forbidden(std::string why) { return make_error(error_kind::forbidden, "forbidden", std::move(why)); }

error invalid(std::string_view field, std::string_view why)
{
    return make_error(error_kind::bad_request, "invalid_field", std::string{field} + ": " + std::string{why});
}

error conflict(std::string code, std::string message, std::string state)
{
    return make_error(error_kind::conflict, std::move(code), std::move(message), std::move(state));
}

} // namespace dps
