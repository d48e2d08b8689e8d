// Idempotency-Key on creating POSTs: the first answer (a success) is kept per caller and key, and a
// retry with the same key and request gets it again, creating nothing twice. The same key with a
// different request is refused (422).
//
// The key, the creation and its answer are one unit of work: the creation's own transactions join
// the one opened here (db::database::transact nests as savepoints), so either the object and its
// key commit together or neither does. A crash at any moment leaves no half (issue 15, defect 6);
// two first attempts at once cannot both create, since the second's key insert waits on the first
// and, once the first commits, fails and retries into a replay. A connection lost during COMMIT is
// 503 commit_outcome_unknown, and a retry with the same key then replays or creates, never twice.
// Rows left 'pending' by versions before this one are taken over after 60 s, as those versions did.
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
