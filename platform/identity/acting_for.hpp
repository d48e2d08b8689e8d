// Who acts for an HTTP request, for every routes file: its authenticated caller, and the request id
// its audit rows record (a client-chosen one marked as such: http::request::audited_request_id).
#pragma once

#include "auth/principal.hpp"
#include "http/message.hpp"
#include "identity/identity_service.hpp"

namespace dps::identity {

inline acting by(const http::request& req, const auth::principal& p) { return acting{&p, req.audited_request_id()}; }

} // namespace dps::identity
