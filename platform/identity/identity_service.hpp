// Tenants, provider organisations, users, role grants, tokens and logins: the rules and the audit trail.
// Callers are already authorised for the operation by the access guard; this service keeps the data
// rules (who may hold which role, throttling, expiry) and writes each change with its audit record.
#pragma once

#include "auth/principal.hpp"
#include "core/clock.hpp"
#include "core/gate.hpp"
#include "core/result.hpp"
#include "identity/identity_records.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dps::db { class database; }

namespace dps::identity {

// Who is acting: an authenticated principal, or the operator's command line (caller == nullptr).
struct acting {
    const auth::principal* caller = nullptr;
    std::string request_id = "-";
    std::string label = "cli"; // the actor when there is no caller: "cli", or "system" for automatic moves
    std::string actor() const { return caller ? caller->actor() : label; }
    db::scope data_scope() const { return caller ? caller->data_scope() : db::scope::platform(); }
    // The council, or the provider organisation, the caller acts for (nothing for the CLI or an operator).
    std::optional<std::int64_t> council() const { return caller ? caller->tenant_id : std::nullopt; }
    std::optional<std::int64_t> provider() const { return caller ? caller->provider_org_id : std::nullopt; }
};

struct new_user {
    std::string email;
    std::string display_name;
    std::optional<std::string> password;
    std::vector<auth::role_grant> roles;
};

struct login_limits {
    int max_failures = 5;                              // consecutive failures, per email and client address, before back-off
    std::chrono::minutes lockout{15};                  // the longest back-off: 1, 2, 4, 8 then 15 minutes
    int max_failures_per_client = 50;                  // failures from one address over any emails, per lockout period
    int hashing_slots = 0;                             // password checks at once; 0: one fewer than the cores, at least 1
    int hashing_queue = 8;                             // sign-ins that may wait for a slot; beyond that 503
    std::chrono::seconds hashing_wait{10};
    std::chrono::hours session_lifetime{8};
    int password_iterations = 600'000;
};

class identity_service {
public:
    identity_service(db::database& db, const clock& now, login_limits limits = {});

    result<tenant> create_tenant(const acting& by, const std::string& slug, const std::string& name, const std::string& kind);
    result<std::vector<tenant>> list_tenants(const acting& by);
    result<tenant> get_tenant(const acting& by, std::int64_t id);

    result<provider_org> create_provider(const acting& by, provider_org input);
    result<provider_org> get_provider(const acting& by, std::int64_t id);

    result<user> create_operator(const acting& by, const new_user& input);
    result<user> create_council_user(const acting& by, std::int64_t tenant_id, const new_user& input);
    result<user> create_provider_user(const acting& by, std::int64_t provider_org_id, const new_user& input);
    result<std::vector<user>> list_tenant_users(const acting& by, std::int64_t tenant_id);
    result<std::vector<user>> list_provider_users(const acting& by, std::int64_t provider_org_id);
    result<user> get_user(const acting& by, std::int64_t user_id);
    result<user> get_user_in(const db::scope& as, std::int64_t user_id); // for access checks, in the caller's scope
    // The caller (by.caller, required) with its tenant or provider organisation.
    result<caller_view> me(const acting& by);
    result<user> find_user_by_email(const acting& by, const std::string& email);
    result<user> grant_role(const acting& by, std::int64_t user_id, const auth::role_grant& grant);
    status revoke_role(const acting& by, std::int64_t user_id, std::int64_t grant_id);
    status set_password(const acting& by, std::int64_t user_id, const std::string& password);

    // API tokens last 1 to 365 days; the secret is returned once and only its hash is kept. A caller
    // asking for a token that would outlive its own credential must send its password (checked and
    // throttled as a sign-in from `client`); the command line (no caller) is not asked.
    result<issued_token> issue_token(const acting& by, std::int64_t user_id, const std::string& label, std::optional<int> days,
                                     const std::optional<std::string>& password = std::nullopt, const std::string& client = "unknown");
    result<std::vector<token_info>> list_tokens(const acting& by, std::int64_t user_id);
    status revoke_token(const acting& by, std::int64_t token_id);
    result<std::optional<token_owner>> find_token_owner(std::int64_t token_id, const db::scope& as); // for access checks
    // Revokes a user's earlier tokens carrying this label (demo seeding re-issues them).
    status revoke_labelled_tokens(const acting& by, std::int64_t user_id, const std::string& label);

    // Password login: a session token, short-lived. Failures are counted per account and lock it for a while.
    // Password sign-in from `client` (the peer address). Failures back off per (email, client) and per
    // client over all emails; a known and an unknown email answer alike, locked or not.
    result<issued_token> login(const std::string& request_id, const std::string& client, const std::string& email,
                               const std::string& password);
    result<auth::principal> authenticate(const std::string& secret);

    const clock& time() const { return clock_; }

private:
    // The throttled, gated password check behind sign-in and re-confirmation (sign_in.cpp).
    result<user> check_password(const std::string& request_id, const std::string& client, const std::string& email,
                                const std::string& password);
    result<user> create_user(const acting& by, auth::principal_kind kind, std::optional<std::int64_t> tenant_id,
                             std::optional<std::int64_t> provider_org_id, const new_user& input);

    db::database& db_;
    const clock& clock_;
    login_limits limits_;
    std::shared_ptr<bounded_gate> gate_; // password checks (sign_in.cpp)
};

// Emails compare in lower case.
std::string normalise_email(std::string email);
// The gate password checks go through: limits.hashing_slots at once (0: one fewer than the cores).
std::shared_ptr<bounded_gate> make_hashing_gate(const login_limits& limits);

// Validation shared with the HTTP layer and the CLI.
status validate_slug(const std::string& slug);
status validate_email(const std::string& email);
status validate_password(const std::string& password);
result<auth::role_grant> validate_grant(auth::principal_kind holder, const std::string& role, const std::string& authority);

} // namespace dps::identity
