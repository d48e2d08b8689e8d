// Idempotency-Key on creating POSTs: the first answer (a success) is kept per caller and key, and a
// retry with the same key and request gets it again, creating nothing twice. The same key with a
// different request is refused (422); a retry while the first is still running is refused (409).
// A reservation left pending for over 60 s (the process stopped mid-request) is taken over by the
// next retry. The reservation and the creation are separate transactions: if the process stops after
// the creation commits but before its answer is kept, a retry after 60 s creates again (writing the
// key in the creation's transaction would close that; it needs the services to take the session).
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
