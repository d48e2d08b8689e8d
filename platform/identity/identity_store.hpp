// SQL for the identity tables, as named statements run inside the caller's transaction.
// Queries filter by owner themselves; PostgreSQL's row-level security filters again.
#pragma once

#include "db/database_url.hpp"
#include "identity/identity_records.hpp"

#include <optional>
#include <string>
#include <vector>

namespace soci { class session; }

namespace dps::identity::store {

std::int64_t insert_tenant(soci::session& sql, const tenant& t);
std::optional<tenant> find_tenant(soci::session& sql, std::int64_t id);
std::optional<tenant> find_tenant_by_slug(soci::session& sql, const std::string& slug);
std::vector<tenant> list_tenants(soci::session& sql, std::optional<std::int64_t> only_id);

std::int64_t insert_provider(soci::session& sql, const provider_org& p);
std::optional<provider_org> find_provider(soci::session& sql, std::int64_t id);
std::optional<provider_org> find_provider_by_name(soci::session& sql, const std::string& name);

std::int64_t insert_user(soci::session& sql, const user& u, const std::optional<std::string>& password_hash);
std::optional<user> find_user(soci::session& sql, std::int64_t id);
std::optional<user> find_user_by_email(soci::session& sql, const std::string& email);
std::vector<user> list_users(soci::session& sql, std::optional<std::int64_t> tenant_id, std::optional<std::int64_t> provider_org_id);
void set_password(soci::session& sql, std::int64_t user_id, const std::string& password_hash);

std::vector<auth::role_grant> roles_of(soci::session& sql, std::int64_t user_id);
std::int64_t insert_grant(soci::session& sql, const user& holder, const auth::role_grant& g, const std::string& at);
bool delete_grant(soci::session& sql, std::int64_t user_id, std::int64_t grant_id);

std::int64_t insert_token(soci::session& sql, const user& holder, const std::string& kind, const std::string& hash,
                          const std::string& label, const std::string& at, const std::string& expires_at);
std::vector<token_info> list_tokens(soci::session& sql, std::int64_t user_id);
std::optional<token_owner> find_token_owner(soci::session& sql, std::int64_t token_id);
bool revoke_token(soci::session& sql, std::int64_t token_id, const std::string& at);
int revoke_tokens_with_label(soci::session& sql, std::int64_t user_id, const std::string& label, const std::string& at);

// A live token's holder: not revoked, not expired, user active, tenant or organisation active.
// The token's user with its role grants, in one query (run on every request).
std::optional<auth::principal> principal_for_token(soci::session& sql, db::backend kind, const std::string& hash, const std::string& now);

struct login_state {
    user who;
    std::optional<std::string> password_hash;
    int failed_logins = 0;
    std::optional<std::string> locked_until;
    bool organisation_active = true; // the user's tenant or provider organisation is not suspended
};
std::optional<login_state> find_login(soci::session& sql, const std::string& email);
// Counts a failure atomically (concurrent guesses each count) and returns the new count.
// Sign-in failures per (email, client address): see schema/V008__login_throttle.sql.
struct login_throttle {
    int failures = 0;
    std::optional<std::string> blocked_until;
};
login_throttle find_login_throttle(soci::session& sql, const std::string& email, const std::string& client);
void save_login_throttle(soci::session& sql, const std::string& email, const std::string& client, const login_throttle& t,
                         const std::string& now);
// Failed sign-ins from one client address, over every email, since `since`.
int recent_failures_from(soci::session& sql, const std::string& client, const std::string& since);
void clear_login_throttle(soci::session& sql, const std::string& email, const std::string& client);

} // namespace dps::identity::store
