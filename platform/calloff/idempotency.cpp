// Idempotency keys: reserve the key, run the creation, keep its answer (or release the key on failure).
#include "calloff/idempotency.hpp"

#include "calloff/idempotency_store.hpp"

#include "core/digest.hpp"
#include "db/database.hpp"
#include "http/json_io.hpp"


namespace dps::calloff {
namespace {

// How long a legacy 'pending' reservation may stand before a retry takes it over.
constexpr std::chrono::seconds kReservationLifetime{60};

// The creation refused: roll the unit back (nothing to keep), and answer with the creation's own reply.
constexpr const char* kRefused = "idempotent_creation_refused";

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
    for (int attempt = 1;; ++attempt) {
        std::optional<http::response> answer;
        auto unit = db_.transact(caller.data_scope(), [&](soci::session& sql) -> status {
            if (auto held = store::find_idempotency_key(sql, caller.user_id, key)) {
                if (held->request_digest != digest) {
                    answer = http::error_response(make_error(error_kind::unprocessable, "idempotency_key_reused",
                                                             "this Idempotency-Key was used for a different request"),
                                                  req.request_id);
                    return ok_status();
                }
                if (held->state == "done") {
                    http::response replayed;
                    replayed.status = held->status_code.value_or(0);
                    replayed.body = held->response_body.value_or("");
                    replayed.headers.emplace_back("Idempotent-Replayed", "true");
                    answer = std::move(replayed);
                    return ok_status();
                }
                if (held->created_at >= format_timestamp(clock_.now() - kReservationLifetime)) {
                    answer = http::error_response(make_error(error_kind::conflict, "idempotency_in_progress",
                                                             "a request with this Idempotency-Key is still being processed; retry shortly"),
                                                  req.request_id);
                    return ok_status();
                }
                store::delete_idempotency_key(sql, caller.user_id, key);
            }
            http::response out = create();
            if (out.status < 200 || out.status >= 300) {
                answer = std::move(out);
                return make_error(error_kind::conflict, kRefused, "the creation was refused");
            }
            store::insert_idempotency_key(sql, {caller.user_id, caller.tenant_id, caller.provider_org_id, key, digest, "done",
                                                out.status, out.body, format_timestamp(clock_.now())});
            answer = std::move(out);
            return ok_status();
        });
        if (unit) return std::move(*answer);
        if (unit.err().code == kRefused) return std::move(*answer); // rolled back: nothing was created
        // Two first attempts at once: the other committed its key (and its object) first. Start over: it replays.
        if (unit.err().code == "already_exists" && attempt < 3) continue;
        return http::error_response(unit.err(), req.request_id);
    }
}

} // namespace dps::calloff
