// Identity rules and their audit records; every write and its audit entry share one transaction.
#include "identity/identity_service.hpp"

#include "audit/audit_store.hpp"
#include "auth/secrets.hpp"
#include "db/database.hpp"
#include "identity/identity_store.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <regex>

namespace dps::identity {
namespace {


void audit_write(soci::session& sql, const acting& by, const clock& now, std::optional<std::int64_t> tenant_id,
                 std::optional<std::int64_t> provider_id, const std::string& action, const std::string& entity_type,
                 std::int64_t entity_id, const boost::json::value& payload)
{
    audit::record(sql, audit::entry{by.actor(), tenant_id, provider_id, action, entity_type, std::to_string(entity_id),
                                    by.request_id, boost::json::serialize(payload), now.now()});
}

} // namespace

std::string normalise_email(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

status validate_slug(const std::string& slug)
{
    static const std::regex pattern("^[a-z0-9][a-z0-9-]{1,63}$");
    if (!std::regex_match(slug, pattern))
        return make_error(error_kind::bad_request, "invalid_field", "slug: 2 to 64 lower-case letters, digits or hyphens");
    return ok_status();
}

status validate_email(const std::string& email)
{
    static const std::regex pattern(R"(^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$)");
    if (email.size() > 254 || !std::regex_match(email, pattern))
        return make_error(error_kind::bad_request, "invalid_field", "email: not an email address");
    return ok_status();
}

status validate_password(const std::string& password)
{
    if (password.size() < 12 || password.size() > 1024)
        return make_error(error_kind::bad_request, "invalid_field", "password: must be 12 to 1024 characters");
    return ok_status();
}

result<auth::role_grant> validate_grant(auth::principal_kind holder, const std::string& role, const std::string& authority)
{
    auto parsed = auth::parse_role(role);
    if (!parsed) return make_error(error_kind::bad_request, "invalid_field", "role: unknown role '" + role + "'");
    if (holder == auth::principal_kind::operator_ || auth::holder_of(*parsed) != holder)
        return make_error(error_kind::bad_request, "invalid_field",
                          "role: a " + std::string{auth::to_string(holder)} + " user cannot hold " + role);
    if (*parsed == auth::role::approver) {
        if (!auth::is_known_authority(authority))
            return make_error(error_kind::bad_request, "invalid_field",
                              "authority: an approver needs a known authority, e.g. director_childrens_services");
    } else if (!authority.empty()) {
        return make_error(error_kind::bad_request, "invalid_field", "authority: only an approver holds an authority");
    }
    return auth::role_grant{0, *parsed, authority};
}

identity_service::identity_service(db::database& db, const clock& now, login_limits limits)
    : db_(db), clock_(now), limits_(limits),
      gate_(make_hashing_gate(limits))
{
}

result<tenant> identity_service::create_tenant(const acting& by, const std::string& slug, const std::string& name,
                                               const std::string& kind)
{
    if (auto s = validate_slug(slug); !s) return s.err();
    if (kind != "council" && kind != "co_commissioner")
        return make_error(error_kind::bad_request, "invalid_field", "kind: council or co_commissioner");
    return db_.transact_value<tenant>(db::scope::platform(), [&](soci::session& sql) -> result<tenant> {
        if (store::find_tenant_by_slug(sql, slug))
            return make_error(error_kind::conflict, "already_exists", "a tenant with slug '" + slug + "' exists");
        tenant t{0, slug, name, kind, "active", format_timestamp(clock_.now())};
        t.id = store::insert_tenant(sql, t);
        audit_write(sql, by, clock_, t.id, std::nullopt, "tenant.create", "tenant", t.id, to_json(t));
        return t;
    });
}

result<std::vector<tenant>> identity_service::list_tenants(const acting& by)
{
    std::optional<std::int64_t> only = by.caller ? by.caller->tenant_id : std::nullopt;
    return db_.transact_value<std::vector<tenant>>(by.data_scope(), [&](soci::session& sql) -> result<std::vector<tenant>> {
        return store::list_tenants(sql, only);
    });
}

result<tenant> identity_service::get_tenant(const acting& by, std::int64_t id)
{
    return db_.transact_value<tenant>(by.data_scope(), [&](soci::session& sql) -> result<tenant> {
        auto t = store::find_tenant(sql, id);
        if (!t) return not_found("tenant");
        return *t;
    });
}

result<provider_org> identity_service::create_provider(const acting& by, provider_org input)
{
    return db_.transact_value<provider_org>(db::scope::platform(), [&](soci::session& sql) -> result<provider_org> {
        if (store::find_provider_by_name(sql, input.name))
            return make_error(error_kind::conflict, "already_exists", "a provider organisation named '" + input.name + "' exists");
        input.created_at = format_timestamp(clock_.now());
        input.status = "active";
        input.id = store::insert_provider(sql, input);
        audit_write(sql, by, clock_, std::nullopt, input.id, "provider.create", "provider_organisation", input.id, to_json(input));
        return input;
    });
}

result<provider_org> identity_service::get_provider(const acting& by, std::int64_t id)
{
    return db_.transact_value<provider_org>(by.data_scope(), [&](soci::session& sql) -> result<provider_org> {
        auto p = store::find_provider(sql, id);
        if (!p) return not_found("provider organisation");
        return *p;
    });
}

result<user> identity_service::create_user(const acting& by, auth::principal_kind kind, std::optional<std::int64_t> tenant_id,
                                           std::optional<std::int64_t> provider_org_id, const new_user& input)
{
    const std::string email = normalise_email(input.email);
    if (auto s = validate_email(email); !s) return s.err();
    if (input.display_name.empty() || input.display_name.size() > 200)
        return make_error(error_kind::bad_request, "invalid_field", "display_name: 1 to 200 characters");
    if (input.password)
        if (auto s = validate_password(*input.password); !s) return s.err();
    std::vector<auth::role_grant> grants;
    for (const auto& g : input.roles) {
        auto checked = validate_grant(kind, std::string{auth::to_string(g.granted)}, g.authority);
        if (!checked) return checked.err();
        grants.push_back(*checked);
    }
    // Hash outside the transaction: it is slow on purpose and must not hold a connection.
    std::optional<std::string> hash;
    if (input.password) hash = auth::hash_password(*input.password, limits_.password_iterations);

    const db::scope where = tenant_id ? db::scope::tenant(*tenant_id)
                            : provider_org_id ? db::scope::provider(*provider_org_id) : db::scope::platform();
    return db_.transact_value<user>(where, [&](soci::session& sql) -> result<user> {
        if (tenant_id && !store::find_tenant(sql, *tenant_id)) return not_found("tenant");
        if (provider_org_id && !store::find_provider(sql, *provider_org_id)) return not_found("provider organisation");
        if (store::find_user_by_email(sql, email))
            return make_error(error_kind::conflict, "already_exists", "a user with this email exists");
        user u;
        u.kind = kind;
        u.tenant_id = tenant_id;
        u.provider_org_id = provider_org_id;
        u.email = email;
        u.display_name = input.display_name;
        u.status = "active";
        u.created_at = format_timestamp(clock_.now());
        u.id = store::insert_user(sql, u, hash);
        for (auto& g : grants) {
            g.id = store::insert_grant(sql, u, g, u.created_at);
            u.roles.push_back(g);
        }
        audit_write(sql, by, clock_, tenant_id, provider_org_id, "user.create", "user", u.id, to_json(u));
        return u;
    });
}

result<user> identity_service::create_operator(const acting& by, const new_user& input)
{
    if (!input.roles.empty()) return make_error(error_kind::bad_request, "invalid_field", "roles: operators hold no tenant roles");
    return create_user(by, auth::principal_kind::operator_, std::nullopt, std::nullopt, input);
}

result<user> identity_service::create_council_user(const acting& by, std::int64_t tenant_id, const new_user& input)
{
    return create_user(by, auth::principal_kind::council, tenant_id, std::nullopt, input);
}

result<user> identity_service::create_provider_user(const acting& by, std::int64_t provider_org_id, const new_user& input)
{
    return create_user(by, auth::principal_kind::provider, std::nullopt, provider_org_id, input);
}

result<std::vector<user>> identity_service::list_tenant_users(const acting& by, std::int64_t tenant_id)
{
    return db_.transact_value<std::vector<user>>(by.data_scope(), [&](soci::session& sql) -> result<std::vector<user>> {
        if (!store::find_tenant(sql, tenant_id)) return not_found("tenant");
        return store::list_users(sql, tenant_id, std::nullopt);
    });
}

result<std::vector<user>> identity_service::list_provider_users(const acting& by, std::int64_t provider_org_id)
{
    return db_.transact_value<std::vector<user>>(by.data_scope(),
                                                 [&](soci::session& sql) -> result<std::vector<user>> {
                                                     if (!store::find_provider(sql, provider_org_id)) return not_found("provider organisation");
                                                     return store::list_users(sql, std::nullopt, provider_org_id);
                                                 });
}

result<user> identity_service::get_user(const acting& by, std::int64_t user_id) { return get_user_in(by.data_scope(), user_id); }

result<caller_view> identity_service::me(const acting& by)
{
    // The caller's own row, read as the platform: whatever its scope, a caller may see itself.
    auto u = get_user(acting{}, by.caller->user_id);
    if (!u) return u.err();
    caller_view out{*u, std::nullopt, std::nullopt};
    if (by.caller->tenant_id)
        if (auto t = get_tenant(by, *by.caller->tenant_id)) out.own_tenant = *t;
    if (by.caller->provider_org_id)
        if (auto o = get_provider(by, *by.caller->provider_org_id)) out.own_provider = *o;
    return out;
}

result<user> identity_service::get_user_in(const db::scope& as, std::int64_t user_id)
{
    return db_.transact_value<user>(as, [&](soci::session& sql) -> result<user> {
        auto u = store::find_user(sql, user_id);
        if (!u) return not_found("user");
        return *u;
    });
}

result<user> identity_service::find_user_by_email(const acting& by, const std::string& email)
{
    return db_.transact_value<user>(by.data_scope(), [&](soci::session& sql) -> result<user> {
        auto u = store::find_user_by_email(sql, normalise_email(email));
        if (!u) return not_found("user");
        return *u;
    });
}

result<user> identity_service::grant_role(const acting& by, std::int64_t user_id, const auth::role_grant& grant)
{
    return db_.transact_value<user>(by.data_scope(), [&](soci::session& sql) -> result<user> {
        auto u = store::find_user(sql, user_id);
        if (!u) return not_found("user");
        auto checked = validate_grant(u->kind, std::string{auth::to_string(grant.granted)}, grant.authority);
        if (!checked) return checked.err();
        for (const auto& existing : u->roles)
            if (existing.granted == checked->granted && existing.authority == checked->authority)
                return make_error(error_kind::conflict, "already_granted", "the user already holds this role");
        auth::role_grant g = *checked;
        g.id = store::insert_grant(sql, *u, g, format_timestamp(clock_.now()));
        u->roles.push_back(g);
        audit_write(sql, by, clock_, u->tenant_id, u->provider_org_id, "role.grant", "user", u->id, to_json(g));
        return *u;
    });
}

status identity_service::revoke_role(const acting& by, std::int64_t user_id, std::int64_t grant_id)
{
    return db_.transact(by.data_scope(), [&](soci::session& sql) -> status {
        auto u = store::find_user(sql, user_id);
        if (!u) return not_found("user");
        if (!store::delete_grant(sql, user_id, grant_id)) return not_found("role grant");
        audit_write(sql, by, clock_, u->tenant_id, u->provider_org_id, "role.revoke", "user", u->id,
                    boost::json::object{{"grant_id", grant_id}});
        return ok_status();
    });
}

status identity_service::set_password(const acting& by, std::int64_t user_id, const std::string& password)
{
    if (auto s = validate_password(password); !s) return s;
    const auto hash = auth::hash_password(password, limits_.password_iterations);
    return db_.transact(by.data_scope(), [&](soci::session& sql) -> status {
        auto u = store::find_user(sql, user_id);
        if (!u) return not_found("user");
        store::set_password(sql, user_id, hash);
        audit_write(sql, by, clock_, u->tenant_id, u->provider_org_id, "user.set_password", "user", u->id, boost::json::object{});
        return ok_status();
    });
}

result<issued_token> identity_service::issue_token(const acting& by, std::int64_t user_id, const std::string& label,
                                                   std::optional<int> asked_days, const std::optional<std::string>& password,
                                                   const std::string& client)
{
    if (asked_days && (*asked_days < 1 || *asked_days > 365))
        return make_error(error_kind::bad_request, "invalid_field", "expires_in_days: 1 to 365");
    if (label.size() > 100) return make_error(error_kind::bad_request, "invalid_field", "label: at most 100 characters");
    const auto now = clock_.now();
    // A credential cannot extend itself: a stolen 8-hour session (or a token about to expire) minting
    // a 365-day token would be a permanent foothold. Outliving the caller's credential takes the
    // caller's password, throttled like a sign-in (issue 15, defect 11). Unasked, a token lasts 90
    // days or, without the password, no longer than the credential asking for it.
    const auto caller_expires = by.caller ? parse_timestamp(by.caller->credential_expires_at) : std::nullopt;
    int days = asked_days.value_or(90);
    if (by.caller && !asked_days && !password && caller_expires)
        days = static_cast<int>(std::clamp<long long>(std::chrono::floor<std::chrono::days>(*caller_expires - now).count(), 1, 90));
    if (by.caller && (!caller_expires || now + std::chrono::days{days} > *caller_expires)) {
        const std::string credential = by.caller->credential == "session" ? "session" : "API token";
        if (!password)
            return make_error(error_kind::forbidden, "password_required",
                              "this token would outlive the " + credential + " you are using (it expires " +
                                  by.caller->credential_expires_at + "): send your password as \"password\", or ask for fewer days");
        auto confirmed = check_password(by.request_id, client, by.caller->email, *password);
        if (!confirmed) {
            if (confirmed.err().kind != error_kind::unauthorized) return confirmed.err(); // throttled (429) or busy (503)
            return make_error(error_kind::forbidden, "invalid_credentials", "the password is wrong");
        }
        if (confirmed->id != by.caller->user_id) return make_error(error_kind::forbidden, "invalid_credentials", "the password is wrong");
    }
    return db_.transact_value<issued_token>(by.data_scope(), [&](soci::session& sql) -> result<issued_token> {
        auto u = store::find_user(sql, user_id);
        if (!u) return not_found("user");
        if (u->status != "active") return make_error(error_kind::conflict, "user_disabled", "the user is disabled");
        issued_token out;
        out.secret = auth::new_token_secret();
        out.info = {0, u->id, "api", label, format_timestamp(now), format_timestamp(now + std::chrono::days{days}), std::nullopt};
        out.info.id = store::insert_token(sql, *u, "api", auth::token_hash(out.secret), label, out.info.created_at, out.info.expires_at);
        audit_write(sql, by, clock_, u->tenant_id, u->provider_org_id, "token.issue", "api_token", out.info.id, to_json(out.info));
        return out;
    });
}

result<std::vector<token_info>> identity_service::list_tokens(const acting& by, std::int64_t user_id)
{
    return db_.transact_value<std::vector<token_info>>(by.data_scope(), [&](soci::session& sql) -> result<std::vector<token_info>> {
        if (!store::find_user(sql, user_id)) return not_found("user");
        return store::list_tokens(sql, user_id);
    });
}

status identity_service::revoke_token(const acting& by, std::int64_t token_id)
{
    return db_.transact(by.data_scope(), [&](soci::session& sql) -> status {
        auto owner = store::find_token_owner(sql, token_id);
        if (!owner) return not_found("token");
        if (!store::revoke_token(sql, token_id, format_timestamp(clock_.now())))
            return make_error(error_kind::conflict, "already_revoked", "the token is already revoked");
        audit_write(sql, by, clock_, owner->tenant_id, owner->provider_org_id, "token.revoke", "api_token", token_id,
                    boost::json::object{{"user_id", owner->user_id}});
        return ok_status();
    });
}

result<std::optional<token_owner>> identity_service::find_token_owner(std::int64_t token_id, const db::scope& as)
{
    return db_.transact_value<std::optional<token_owner>>(as, [&](soci::session& sql) -> result<std::optional<token_owner>> {
        return store::find_token_owner(sql, token_id);
    });
}

status identity_service::revoke_labelled_tokens(const acting& by, std::int64_t user_id, const std::string& label)
{
    return db_.transact(by.data_scope(), [&](soci::session& sql) -> status {
        auto u = store::find_user(sql, user_id);
        if (!u) return not_found("user");
        const int n = store::revoke_tokens_with_label(sql, user_id, label, format_timestamp(clock_.now()));
        if (n > 0)
            audit_write(sql, by, clock_, u->tenant_id, u->provider_org_id, "token.revoke", "user", user_id,
                        boost::json::object{{"label", label}, {"count", n}});
        return ok_status();
    });
}

result<auth::principal> identity_service::authenticate(const std::string& secret)
{
    if (!auth::looks_like_token(secret)) return make_error(error_kind::unauthorized, "invalid_token", "the token is malformed");
    const auto hash = auth::token_hash(secret);
    const auto now = format_timestamp(clock_.now());
    // One statement, no transaction: the lookup scopes itself (schema/V013).
    auto found = db_.read_statement_value<std::optional<auth::principal>>(
        [&](soci::session& sql) -> result<std::optional<auth::principal>> {
            return store::principal_for_token(sql, db_.kind(), hash, now);
        });
    if (!found) return found.err();
    if (!*found) return make_error(error_kind::unauthorized, "invalid_token", "the token is unknown, expired or revoked");
    return std::move(**found);
}

} // namespace dps::identity
