// Idempotency keys: reserve the key, run the creation, keep its answer (or release the key on failure).
#include "calloff/idempotency.hpp"

#include "core/digest.hpp"
#include "db/database.hpp"
#include "http/json_io.hpp"

#include <soci/soci.h>

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
    long long user = caller.user_id;
    for (int attempt = 1;; ++attempt) {
        std::optional<http::response> answer;
        auto unit = db_.transact(caller.data_scope(), [&](soci::session& sql) -> status {
            std::string state, stored_digest, body, reserved_at;
            int code = 0;
            soci::indicator code_i = soci::i_null, body_i = soci::i_null;
            sql << "SELECT state, request_digest, status_code, response_body, created_at FROM idempotency_keys "
                   "WHERE user_id = :u AND idempotency_key = :k",
                soci::use(user), soci::use(key), soci::into(state), soci::into(stored_digest), soci::into(code, code_i),
                soci::into(body, body_i), soci::into(reserved_at);
            if (sql.got_data()) {
                if (stored_digest != digest) {
                    answer = http::error_response(make_error(error_kind::unprocessable, "idempotency_key_reused",
                                                             "this Idempotency-Key was used for a different request"),
                                                  req.request_id);
                    return ok_status();
                }
                if (state == "done") {
                    http::response replayed;
                    replayed.status = code;
                    replayed.body = body;
                    replayed.headers.emplace_back("Idempotent-Replayed", "true");
                    answer = std::move(replayed);
                    return ok_status();
                }
                if (reserved_at >= format_timestamp(clock_.now() - kReservationLifetime)) {
                    answer = http::error_response(make_error(error_kind::conflict, "idempotency_in_progress",
                                                             "a request with this Idempotency-Key is still being processed; retry shortly"),
                                                  req.request_id);
                    return ok_status();
                }
                sql << "DELETE FROM idempotency_keys WHERE user_id = :u AND idempotency_key = :k", soci::use(user), soci::use(key);
            }
            http::response out = create();
            if (out.status < 200 || out.status >= 300) {
                answer = std::move(out);
                return make_error(error_kind::conflict, kRefused, "the creation was refused");
            }
            long long tenant = caller.tenant_id.value_or(0), provider = caller.provider_org_id.value_or(0);
            soci::indicator tenant_i = caller.tenant_id ? soci::i_ok : soci::i_null, provider_i = caller.provider_org_id ? soci::i_ok : soci::i_null;
            const std::string at = format_timestamp(clock_.now());
            int status_code = out.status;
            sql << "INSERT INTO idempotency_keys (user_id, tenant_id, provider_org_id, idempotency_key, request_digest, state, "
                   "status_code, response_body, created_at) VALUES (:u, :t, :p, :k, :d, 'done', :s, :b, :at)",
                soci::use(user), soci::use(tenant, tenant_i), soci::use(provider, provider_i), soci::use(key), soci::use(digest),
                soci::use(status_code), soci::use(out.body), soci::use(at);
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
