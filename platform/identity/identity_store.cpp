// Identity SQL. INSERT … RETURNING works on PostgreSQL and on SQLite 3.35+ (Debian 12 has 3.40).
#include "identity/identity_store.hpp"

#include "db/dialect.hpp"
#include "db/query.hpp"
#include "db/row_reader.hpp"

#include <boost/json.hpp>

#include <soci/soci.h>

namespace dps::identity::store {
namespace {

using db::int_at;
using db::opt_int_at;
using db::opt_text_at;
using db::text_at;

constexpr const char* kTenantColumns = "id, slug, name, kind, status, created_at";
constexpr const char* kProviderColumns = "id, name, companies_house_number, cqc_provider_id, ofsted_urn, status, created_at";
constexpr const char* kUserColumns = "id, kind, tenant_id, provider_org_id, email, display_name, status, created_at";

tenant tenant_from(const soci::row& r)
{
    return {int_at(r, 0), text_at(r, 1), text_at(r, 2), text_at(r, 3), text_at(r, 4), text_at(r, 5)};
}

provider_org provider_from(const soci::row& r)
{
    return {int_at(r, 0), text_at(r, 1), opt_text_at(r, 2), opt_text_at(r, 3), opt_text_at(r, 4), text_at(r, 5), text_at(r, 6)};
}

auth::principal_kind kind_from(const std::string& k)
{
    if (k == "operator") return auth::principal_kind::operator_;
    if (k == "provider") return auth::principal_kind::provider;
    return auth::principal_kind::council;
}

user user_from(const soci::row& r)
{
    user u;
    u.id = int_at(r, 0);
    u.kind = kind_from(text_at(r, 1));
    u.tenant_id = opt_int_at(r, 2);
    u.provider_org_id = opt_int_at(r, 3);
    u.email = text_at(r, 4);
    u.display_name = text_at(r, 5);
    u.status = text_at(r, 6);
    u.created_at = text_at(r, 7);
    return u;
}

soci::indicator ind(const std::optional<std::int64_t>& v) { return v ? soci::i_ok : soci::i_null; }
soci::indicator ind(const std::optional<std::string>& v) { return v ? soci::i_ok : soci::i_null; }

} // namespace

std::int64_t insert_tenant(soci::session& sql, const tenant& t)
{
    long long id = 0;
    sql << "INSERT INTO tenants (slug, name, kind, status, created_at) VALUES (:slug, :name, :kind, 'active', :at) RETURNING id",
        soci::use(t.slug), soci::use(t.name), soci::use(t.kind), soci::use(t.created_at), soci::into(id);
    return id;
}

std::optional<tenant> find_tenant(soci::session& sql, std::int64_t id)
{
    long long key = id;
    soci::rowset<soci::row> rows = (sql.prepare << "SELECT " << kTenantColumns << " FROM tenants WHERE id = :id", soci::use(key));
    for (const auto& r : rows) return tenant_from(r);
    return std::nullopt;
}

std::optional<tenant> find_tenant_by_slug(soci::session& sql, const std::string& slug)
{
    soci::rowset<soci::row> rows = (sql.prepare << "SELECT " << kTenantColumns << " FROM tenants WHERE slug = :slug", soci::use(slug));
    for (const auto& r : rows) return tenant_from(r);
    return std::nullopt;
}

std::vector<tenant> list_tenants(soci::session& sql, std::optional<std::int64_t> only_id)
{
    std::vector<tenant> out;
    if (only_id) {
        if (auto t = find_tenant(sql, *only_id)) out.push_back(std::move(*t));
        return out;
    }
    soci::rowset<soci::row> rows = (sql.prepare << "SELECT " << kTenantColumns << " FROM tenants ORDER BY slug");
    for (const auto& r : rows) out.push_back(tenant_from(r));
    return out;
}

std::int64_t insert_provider(soci::session& sql, const provider_org& p)
{
    long long id = 0;
    std::string ch = p.companies_house_number.value_or(""), cqc = p.cqc_provider_id.value_or(""), urn = p.ofsted_urn.value_or("");
    soci::indicator ch_ind = ind(p.companies_house_number), cqc_ind = ind(p.cqc_provider_id), urn_ind = ind(p.ofsted_urn);
    sql << "INSERT INTO provider_organisations (name, companies_house_number, cqc_provider_id, ofsted_urn, status, created_at) "
           "VALUES (:name, :ch, :cqc, :urn, 'active', :at) RETURNING id",
        soci::use(p.name), soci::use(ch, ch_ind), soci::use(cqc, cqc_ind), soci::use(urn, urn_ind), soci::use(p.created_at),
        soci::into(id);
    return id;
}

std::optional<provider_org> find_provider(soci::session& sql, std::int64_t id)
{
    long long key = id;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT " << kProviderColumns << " FROM provider_organisations WHERE id = :id", soci::use(key));
    for (const auto& r : rows) return provider_from(r);
    return std::nullopt;
}

std::optional<provider_org> find_provider_by_name(soci::session& sql, const std::string& name)
{
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT " << kProviderColumns << " FROM provider_organisations WHERE name = :name", soci::use(name));
    for (const auto& r : rows) return provider_from(r);
    return std::nullopt;
}

std::int64_t insert_user(soci::session& sql, const user& u, const std::optional<std::string>& password_hash)
{
    long long id = 0;
    std::string kind{auth::to_string(u.kind)};
    long long tenant = u.tenant_id.value_or(0), provider = u.provider_org_id.value_or(0);
    soci::indicator tenant_ind = ind(u.tenant_id), provider_ind = ind(u.provider_org_id);
    std::string hash = password_hash.value_or("");
    soci::indicator hash_ind = ind(password_hash);
    sql << "INSERT INTO users (kind, tenant_id, provider_org_id, email, display_name, password_hash, status, created_at) "
           "VALUES (:kind, :tenant, :provider, :email, :name, :hash, 'active', :at) RETURNING id",
        soci::use(kind), soci::use(tenant, tenant_ind), soci::use(provider, provider_ind), soci::use(u.email),
        soci::use(u.display_name), soci::use(hash, hash_ind), soci::use(u.created_at), soci::into(id);
    return id;
}

std::optional<user> find_user(soci::session& sql, std::int64_t id)
{
    long long key = id;
    std::optional<user> found;
    {
        soci::rowset<soci::row> rows = (sql.prepare << "SELECT " << kUserColumns << " FROM users WHERE id = :id", soci::use(key));
        for (const auto& r : rows) found = user_from(r);
    }
    if (found) found->roles = roles_of(sql, found->id);
    return found;
}

std::optional<user> find_user_by_email(soci::session& sql, const std::string& email)
{
    std::optional<user> found;
    {
        soci::rowset<soci::row> rows = (sql.prepare << "SELECT " << kUserColumns << " FROM users WHERE email = :email", soci::use(email));
        for (const auto& r : rows) found = user_from(r);
    }
    if (found) found->roles = roles_of(sql, found->id);
    return found;
}

std::vector<user> list_users(soci::session& sql, std::optional<std::int64_t> tenant_id, std::optional<std::int64_t> provider_org_id)
{
    std::vector<user> out;
    long long tenant = tenant_id.value_or(0), provider = provider_org_id.value_or(0);
    {
        soci::rowset<soci::row> rows =
            (sql.prepare << "SELECT " << kUserColumns
                         << " FROM users WHERE (tenant_id = :t) OR (provider_org_id = :p) ORDER BY email",
             soci::use(tenant), soci::use(provider));
        for (const auto& r : rows) out.push_back(user_from(r));
    }
    for (auto& u : out) u.roles = roles_of(sql, u.id);
    return out;
}

void set_password(soci::session& sql, std::int64_t user_id, const std::string& password_hash)
{
    long long key = user_id;
    sql << "UPDATE users SET password_hash = :h, failed_logins = 0, locked_until = NULL WHERE id = :id", soci::use(password_hash),
        soci::use(key);
}

constexpr const char* kGrantsOf = "SELECT id, role, authority FROM role_grants WHERE user_id = :u ORDER BY id";

std::vector<auth::role_grant> roles_of(soci::session& sql, std::int64_t user_id)
{
    // One round trip on every request: a one-time bulk query into vectors of up to kBatch grants.
    // A user with that many (none is near it) is read again in full through a rowset.
    constexpr std::size_t kBatch = 64;
    long long key = user_id;
    std::vector<long long> ids(kBatch);
    std::vector<std::string> roles(kBatch), authorities(kBatch);
    std::vector<soci::indicator> authority_i(kBatch);
    sql << kGrantsOf, soci::use(key), soci::into(ids), soci::into(roles), soci::into(authorities, authority_i);
    if (!sql.got_data()) ids.clear();
    std::vector<auth::role_grant> out;
    if (ids.size() < kBatch) {
        for (std::size_t i = 0; i < ids.size(); ++i)
            if (auto parsed = auth::parse_role(roles[i])) // a role this build does not know grants nothing
                out.push_back({ids[i], *parsed, authority_i[i] == soci::i_ok ? authorities[i] : std::string{}});
        return out;
    }
    soci::rowset<soci::row> rows = (sql.prepare << kGrantsOf, soci::use(key));
    for (const auto& r : rows)
        if (auto parsed = auth::parse_role(text_at(r, 1))) out.push_back({int_at(r, 0), *parsed, text_at(r, 2)});
    return out;
}

std::int64_t insert_grant(soci::session& sql, const user& holder, const auth::role_grant& g, const std::string& at)
{
    long long id = 0, user_id = holder.id;
    long long tenant = holder.tenant_id.value_or(0), provider = holder.provider_org_id.value_or(0);
    soci::indicator tenant_ind = ind(holder.tenant_id), provider_ind = ind(holder.provider_org_id);
    std::string role{auth::to_string(g.granted)};
    sql << "INSERT INTO role_grants (user_id, tenant_id, provider_org_id, role, authority, created_at) "
           "VALUES (:u, :t, :p, :role, :authority, :at) RETURNING id",
        soci::use(user_id), soci::use(tenant, tenant_ind), soci::use(provider, provider_ind), soci::use(role),
        soci::use(g.authority), soci::use(at), soci::into(id);
    return id;
}

bool delete_grant(soci::session& sql, std::int64_t user_id, std::int64_t grant_id)
{
    long long u = user_id, g = grant_id;
    soci::statement st = (sql.prepare << "DELETE FROM role_grants WHERE id = :g AND user_id = :u", soci::use(g), soci::use(u));
    st.execute(true);
    return st.get_affected_rows() > 0;
}

std::int64_t insert_token(soci::session& sql, const user& holder, const std::string& kind, const std::string& hash,
                          const std::string& label, const std::string& at, const std::string& expires_at)
{
    long long id = 0, user_id = holder.id;
    long long tenant = holder.tenant_id.value_or(0), provider = holder.provider_org_id.value_or(0);
    soci::indicator tenant_ind = ind(holder.tenant_id), provider_ind = ind(holder.provider_org_id);
    sql << "INSERT INTO api_tokens (user_id, tenant_id, provider_org_id, kind, token_hash, label, created_at, expires_at) "
           "VALUES (:u, :t, :p, :kind, :hash, :label, :at, :exp) RETURNING id",
        soci::use(user_id), soci::use(tenant, tenant_ind), soci::use(provider, provider_ind), soci::use(kind), soci::use(hash),
        soci::use(label), soci::use(at), soci::use(expires_at), soci::into(id);
    return id;
}

std::vector<token_info> list_tokens(soci::session& sql, std::int64_t user_id)
{
    std::vector<token_info> out;
    long long key = user_id;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT id, user_id, kind, label, created_at, expires_at, revoked_at FROM api_tokens "
                        "WHERE user_id = :u ORDER BY id",
         soci::use(key));
    for (const auto& r : rows)
        out.push_back({int_at(r, 0), int_at(r, 1), text_at(r, 2), text_at(r, 3), text_at(r, 4), text_at(r, 5), opt_text_at(r, 6)});
    return out;
}

std::optional<token_owner> find_token_owner(soci::session& sql, std::int64_t token_id)
{
    long long key = token_id;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT id, user_id, tenant_id, provider_org_id, revoked_at FROM api_tokens WHERE id = :id", soci::use(key));
    for (const auto& r : rows) return token_owner{int_at(r, 0), int_at(r, 1), opt_int_at(r, 2), opt_int_at(r, 3), opt_text_at(r, 4).has_value()};
    return std::nullopt;
}

bool revoke_token(soci::session& sql, std::int64_t token_id, const std::string& at)
{
    long long key = token_id;
    soci::statement st =
        (sql.prepare << "UPDATE api_tokens SET revoked_at = :at WHERE id = :id AND revoked_at IS NULL", soci::use(at), soci::use(key));
    st.execute(true);
    return st.get_affected_rows() > 0;
}

int revoke_tokens_with_label(soci::session& sql, std::int64_t user_id, const std::string& label, const std::string& at)
{
    long long key = user_id;
    soci::statement st = (sql.prepare << "UPDATE api_tokens SET revoked_at = :at WHERE user_id = :u AND label = :l AND revoked_at IS NULL",
                          soci::use(at), soci::use(key), soci::use(label));
    st.execute(true);
    return static_cast<int>(st.get_affected_rows());
}

// The token lookup with the user's grants as one JSON column. On PostgreSQL the function of
// schema/V013, which scopes itself (one autocommit statement); on SQLite the same query inline.
constexpr const char* kPrincipalForTokenPostgresql = "SELECT * FROM dps_principal_for_token(:hash, :now)";
static const std::string& principal_query(db::backend kind)
{
    static const std::string sqlite =
        "SELECT u.id, u.kind, u.tenant_id, u.provider_org_id, u.email, u.display_name, t.id, t.kind, t.expires_at, "
        "(SELECT " + db::json_array_agg(db::backend::sqlite, "g.id, g.role, g.authority", "g.id") +
        " FROM (SELECT id, role, authority, user_id FROM role_grants ORDER BY id) g WHERE g.user_id = u.id) "
        "FROM api_tokens t JOIN users u ON u.id = t.user_id "
        "LEFT JOIN tenants tn ON tn.id = u.tenant_id "
        "LEFT JOIN provider_organisations po ON po.id = u.provider_org_id "
        "WHERE t.token_hash = :hash AND t.revoked_at IS NULL AND t.expires_at > :now AND u.status = 'active' "
        "AND (tn.id IS NULL OR tn.status = 'active') AND (po.id IS NULL OR po.status = 'active')";
    static const std::string postgresql = kPrincipalForTokenPostgresql;
    return kind == db::backend::postgresql ? postgresql : sqlite;
}

// Beside principal_query: its row, by position (the two dialects name the columns differently).
static auth::principal principal_from(const soci::row& r)
{
    auth::principal found;
    found.user_id = int_at(r, 0);
    found.kind = kind_from(text_at(r, 1));
    found.tenant_id = opt_int_at(r, 2);
    found.provider_org_id = opt_int_at(r, 3);
    found.email = text_at(r, 4);
    found.display_name = text_at(r, 5);
    found.token_id = int_at(r, 6);
    found.credential = text_at(r, 7);
    found.credential_expires_at = text_at(r, 8);
    const auto grants = boost::json::parse(text_at(r, 9));
    for (const auto& g : grants.as_array()) {
        const auto& row = g.as_array();
        if (auto parsed = auth::parse_role(std::string{row.at(1).as_string()})) // a role this build does not know grants nothing
            found.roles.push_back({row.at(0).to_number<std::int64_t>(), *parsed,
                                   row.at(2).is_string() ? std::string{row.at(2).as_string()} : std::string{}});
    }
    return found;
}

std::optional<auth::principal> principal_for_token(soci::session& sql, db::backend kind, const std::string& hash, const std::string& now)
{
    // Every request runs this: one statement, outside a transaction, prepared once per connection
    // (the grants come in the same row, as one JSON column).
    return db::query(sql, principal_query(kind)).bind(hash).bind(now).one(principal_from);
}

std::optional<login_state> find_login(soci::session& sql, const std::string& email)
{
    std::optional<login_state> out;
    {
        soci::rowset<soci::row> rows =
            (sql.prepare << "SELECT u.id, u.kind, u.tenant_id, u.provider_org_id, u.email, u.display_name, u.status, u.created_at, "
                            "u.password_hash, u.failed_logins, u.locked_until, "
                            "CASE WHEN COALESCE(t.status, 'active') = 'active' AND COALESCE(p.status, 'active') = 'active' THEN 1 ELSE 0 END "
                            "FROM users u LEFT JOIN tenants t ON t.id = u.tenant_id "
                            "LEFT JOIN provider_organisations p ON p.id = u.provider_org_id WHERE u.email = :e",
             soci::use(email));
        for (const auto& r : rows)
            out = login_state{user_from(r), opt_text_at(r, 8), static_cast<int>(int_at(r, 9)), opt_text_at(r, 10), int_at(r, 11) == 1};
    }
    if (out) out->who.roles = roles_of(sql, out->who.id);
    return out;
}

login_throttle find_login_throttle(soci::session& sql, const std::string& email, const std::string& client)
{
    login_throttle t;
    std::string until;
    soci::indicator until_i = soci::i_null;
    sql << "SELECT failures, blocked_until FROM login_throttle WHERE email = :e AND client = :c", soci::use(email), soci::use(client),
        soci::into(t.failures), soci::into(until, until_i);
    if (sql.got_data() && until_i == soci::i_ok) t.blocked_until = until;
    return t;
}

void save_login_throttle(soci::session& sql, const std::string& email, const std::string& client, const login_throttle& t,
                         const std::string& now)
{
    std::string until = t.blocked_until.value_or("");
    soci::indicator until_i = t.blocked_until ? soci::i_ok : soci::i_null;
    int failures = t.failures;
    // An upsert both databases speak (SQLite 3.24+, PostgreSQL 9.5+).
    sql << "INSERT INTO login_throttle (email, client, failures, blocked_until, updated_at) VALUES (:e, :c, :f, :b, :at) "
           "ON CONFLICT (email, client) DO UPDATE SET failures = excluded.failures, blocked_until = excluded.blocked_until, "
           "updated_at = excluded.updated_at",
        soci::use(email), soci::use(client), soci::use(failures), soci::use(until, until_i), soci::use(now);
}

int recent_failures_from(soci::session& sql, const std::string& client, const std::string& since)
{
    long long n = 0;
    soci::indicator n_i = soci::i_null;
    sql << "SELECT sum(failures) FROM login_throttle WHERE client = :c AND updated_at >= :s", soci::use(client), soci::use(since),
        soci::into(n, n_i);
    return n_i == soci::i_ok ? static_cast<int>(n) : 0;
}

void clear_login_throttle(soci::session& sql, const std::string& email, const std::string& client)
{
    sql << "DELETE FROM login_throttle WHERE email = :e AND client = :c", soci::use(email), soci::use(client);
}

} // namespace dps::identity::store
