// Idempotency keys: reserve the key, run the creation, keep its answer (or release the key on failure).
#include "calloff/idempotency.hpp"

#include "core/digest.hpp"
#include "db/database.hpp"
#include "http/json_io.hpp"

#include <soci/soci.h>

namespace dps::calloff {
namespace {

enum class claim { fresh, replay, busy, mismatch };

// How long a reservation may stay pending before a retry may take it over: far longer than a
// creating request should ever take.
constexpr std::chrono::seconds kReservationLifetime{60};

} // namespace

idempotency::idempotency(db::database& db, const clock& now) : db_(db), clock_(now) {}

http::response idempotency::run(const http::request& req, const auth::principal& caller, const std::function<http::response()>& create)
{
    const std::string* header = req.header("idempotency-key");
    if (!header) return create();
    const std::string key = *header;
    if (key.empty() || key.size() > 200)
        return http::error_response(make_error(error_kind::bad_request, "invalid_idempotency_key",
                                               "Idempotency-Key: 1 to 200 characters"),
                                    req.request_id);
    const std::string digest = sha256_hex(req.method + " " + req.path + "\n" + req.body);
    long long user = caller.user_id;
    claim outcome = claim::fresh;
    http::response replayed;
    auto claimed = db_.transact(caller.data_scope(), [&](soci::session& sql) -> status {
        std::string state, stored_digest, body, reserved_at;
        int code = 0;
        soci::indicator code_i = soci::i_null, body_i = soci::i_null;
        sql << "SELECT state, request_digest, status_code, response_body, created_at FROM idempotency_keys "
               "WHERE user_id = :u AND idempotency_key = :k",
            soci::use(user), soci::use(key), soci::into(state), soci::into(stored_digest), soci::into(code, code_i), soci::into(body, body_i),
            soci::into(reserved_at);
        if (sql.got_data()) {
            const std::string now = format_timestamp(clock_.now()), stale = format_timestamp(clock_.now() - kReservationLifetime);
            if (stored_digest != digest) outcome = claim::mismatch;
            else if (state != "done" && reserved_at < stale) {
                // A reservation whose request never settled (the process stopped between creating and
                // recording the answer): the retry takes it over, if no other retry took it first.
                soci::statement take = (sql.prepare << "UPDATE idempotency_keys SET created_at = :now WHERE user_id = :u "
                                                       "AND idempotency_key = :k AND state = 'pending' AND created_at = :old",
                                        soci::use(now), soci::use(user), soci::use(key), soci::use(reserved_at));
                take.execute(true);
                outcome = take.get_affected_rows() == 1 ? claim::fresh : claim::busy;
            } else if (state != "done") outcome = claim::busy;
            else {
                outcome = claim::replay;
                replayed.status = code;
                replayed.body = body;
                replayed.headers.emplace_back("Idempotent-Replayed", "true");
            }
            return ok_status();
        }
        long long tenant = caller.tenant_id.value_or(0), provider = caller.provider_org_id.value_or(0);
        soci::indicator tenant_i = caller.tenant_id ? soci::i_ok : soci::i_null, provider_i = caller.provider_org_id ? soci::i_ok : soci::i_null;
        const std::string at = format_timestamp(clock_.now());
        sql << "INSERT INTO idempotency_keys (user_id, tenant_id, provider_org_id, idempotency_key, request_digest, state, created_at) "
               "VALUES (:u, :t, :p, :k, :d, 'pending', :at)",
            soci::use(user), soci::use(tenant, tenant_i), soci::use(provider, provider_i), soci::use(key), soci::use(digest), soci::use(at);
        return ok_status();
    });
    if (!claimed) {
        // Two first attempts at once: the unique key lets one through; the other is told to retry.
        if (claimed.err().code == "already_exists") outcome = claim::busy;
        else return http::error_response(claimed.err(), req.request_id);
    }
    switch (outcome) {
    case claim::replay: return replayed;
    case claim::busy:
        return http::error_response(make_error(error_kind::conflict, "idempotency_in_progress",
                                               "a request with this Idempotency-Key is still being processed; retry shortly"),
                                    req.request_id);
    case claim::mismatch:
        return http::error_response(make_error(error_kind::unprocessable, "idempotency_key_reused",
                                               "this Idempotency-Key was used for a different request"),
                                    req.request_id);
    case claim::fresh: break;
    }
    http::response out = create();
    const bool keep = out.status >= 200 && out.status < 300;
    // A success is kept for replay; a refusal releases the key, since nothing was created.
    auto settled = db_.transact(caller.data_scope(), [&](soci::session& sql) -> status {
        if (keep) {
            int code = out.status;
            sql << "UPDATE idempotency_keys SET state = 'done', status_code = :s, response_body = :b WHERE user_id = :u AND idempotency_key = :k",
                soci::use(code), soci::use(out.body), soci::use(user), soci::use(key);
        } else {
            sql << "DELETE FROM idempotency_keys WHERE user_id = :u AND idempotency_key = :k", soci::use(user), soci::use(key);
        }
        return ok_status();
    });
    (void)settled; // the creation's own answer stands; a lost bookkeeping write leaves the key pending
    return out;
}

} // namespace dps::calloff
