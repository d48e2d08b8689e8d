// Idempotency-Key on creating POSTs: the first answer (a success) is kept per caller and key, and a
// retry with the same key and request gets it again, creating nothing twice. The same key with a
// different request is refused (422); a retry while the first is still running is refused (409).
#pragma once

#include "auth/principal.hpp"
#include "core/clock.hpp"
#include "http/message.hpp"

#include <functional>

namespace dps::db { class database; }

namespace dps::calloff {

class idempotency {
public:
    idempotency(db::database& db, const clock& now);

    // Runs `create` at most once per (caller, Idempotency-Key); without the header it just runs it.
    http::response run(const http::request& req, const auth::principal& caller, const std::function<http::response()>& create);

private:
    db::database& db_;
    const clock& clock_;
};

} // namespace dps::calloff
