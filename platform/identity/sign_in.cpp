// Password sign-in: the throttle per (email, client address) and per address, the hashing gate, and
// the session token. Known and unknown emails take the same path and get the same answers, so
// neither timing nor a lockout reveals which accounts exist (issue 15, defect 9).
#include "identity/identity_service.hpp"

#include "audit/audit_store.hpp"
#include "auth/secrets.hpp"
#include "db/database.hpp"
#include "identity/identity_store.hpp"
#include "log/logger.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <thread>

namespace dps::identity {
namespace {

// A dummy hash so that an unknown email costs the same time as a wrong password.
const std::string& dummy_hash(int iterations)
{
    static const std::string hash = auth::hash_password("not a real password", iterations);
    return hash;
}

// Back-off after the failures allowed: 1, 2, 4, 8 minutes… up to the lockout.
std::chrono::minutes back_off(int failures, const login_limits& limits)
{
    const int over = std::min(failures - limits.max_failures, 10);
    return std::min(limits.lockout, std::chrono::minutes{1 << std::max(over, 0)});
}

error too_many(const std::string& until)
{
    return make_error(error_kind::too_many_requests, "too_many_attempts", "too many failed attempts; try again after " + until);
}

} // namespace

// Password hashing is slow on purpose (600,000 PBKDF2 rounds): at most one fewer check at once than
// the cores, a bounded queue waiting for a turn, so that six people signing in together all get in
// and a flood of sign-ins gets 503 without holding every worker.
std::shared_ptr<bounded_gate> make_hashing_gate(const login_limits& limits)
{
    const unsigned cores = std::thread::hardware_concurrency();
    const int slots = limits.hashing_slots > 0 ? limits.hashing_slots : cores > 1 ? static_cast<int>(cores) - 1 : 1;
    return std::make_shared<bounded_gate>(slots, limits.hashing_queue,
                                          std::chrono::duration_cast<std::chrono::milliseconds>(limits.hashing_wait));
}

result<user> identity_service::check_password(const std::string& request_id, const std::string& client, const std::string& email_in,
                                              const std::string& password)
{
    const std::string email = normalise_email(email_in);
    const auto now = clock_.now();
    const std::string now_text = format_timestamp(now);
    // The throttle first, keyed on what the caller sent and not on what exists, read with the account
    // in one round trip.
    store::login_throttle throttle;
    int from_client = 0;
    std::optional<store::login_state> state;
    auto read = db_.transact(db::scope::platform(), [&](soci::session& sql) -> status {
        throttle = store::find_login_throttle(sql, email, client);
        from_client = store::recent_failures_from(sql, client, format_timestamp(now - limits_.lockout));
        state = store::find_login(sql, email);
        return ok_status();
    });
    if (!read) return read.err();
    if (throttle.blocked_until && *throttle.blocked_until > now_text) {
        log::warn("login_throttled", {{"reason", "email_and_client"}, {"request_id", request_id}});
        return too_many(*throttle.blocked_until);
    }
    if (from_client >= limits_.max_failures_per_client) {
        log::warn("login_throttled", {{"reason", "client"}, {"request_id", request_id}});
        return too_many(format_timestamp(now + limits_.lockout));
    }

    auto turn = gate_->enter();
    if (!turn) return make_error(error_kind::unavailable, "busy", "too many sign-ins at once; try again in a moment");
    const bool usable = state && state->password_hash && state->who.status == "active" && state->organisation_active;
    // Unknown accounts cost the same hash as real ones.
    const bool verified = usable ? auth::verify_password(password, *state->password_hash)
                                 : (auth::verify_password(password, dummy_hash(limits_.password_iterations)), false);
    if (!verified) {
        bool blocked = false;
        auto recorded = db_.transact(db::scope::platform(), [&](soci::session& sql) -> status {
            auto t = store::find_login_throttle(sql, email, client);
            ++t.failures;
            blocked = t.failures >= limits_.max_failures;
            if (blocked) t.blocked_until = format_timestamp(now + back_off(t.failures, limits_));
            store::save_login_throttle(sql, email, client, t, now_text);
            if (usable) {
                const auto& who = state->who;
                audit::record(sql, audit::entry{"user:" + std::to_string(who.id), who.tenant_id, who.provider_org_id,
                                                blocked ? "auth.locked" : "auth.login_failed", "user", std::to_string(who.id), request_id,
                                                boost::json::serialize(boost::json::object{{"failures", t.failures}, {"client", client}}), now});
            }
            return ok_status();
        });
        if (!recorded) return recorded.err();
        log::warn("login_failed", {{"known", usable}, {"blocked", blocked}, {"request_id", request_id}});
        return make_error(error_kind::unauthorized, "invalid_credentials", "the email or password is wrong");
    }
    return state->who;
}

result<issued_token> identity_service::login(const std::string& request_id, const std::string& client, const std::string& email_in,
                                             const std::string& password)
{
    auto who = check_password(request_id, client, email_in, password);
    if (!who) return who.err();
    const std::string email = normalise_email(email_in);
    const auto now = clock_.now();
    const std::string now_text = format_timestamp(now);
    return db_.transact_value<issued_token>(db::scope::platform(), [&](soci::session& sql) -> result<issued_token> {
        store::clear_login_throttle(sql, email, client);
        issued_token out;
        out.secret = auth::new_token_secret();
        out.info = {0, who->id, "session", "login", now_text, format_timestamp(now + limits_.session_lifetime), std::nullopt};
        out.info.id = store::insert_token(sql, *who, "session", auth::token_hash(out.secret), "login", now_text, out.info.expires_at);
        audit::record(sql, audit::entry{"user:" + std::to_string(who->id), who->tenant_id, who->provider_org_id, "auth.login",
                                        "api_token", std::to_string(out.info.id), request_id,
                                        boost::json::serialize(to_json(out.info)), now});
        return out;
    });
}

} // namespace dps::identity
