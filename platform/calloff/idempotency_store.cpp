// The SQL of idempotency keys.
#include "calloff/idempotency_store.hpp"

#include <soci/soci.h>

namespace dps::calloff::store {
namespace {

constexpr const char* kFind =
    "SELECT state, request_digest, status_code, response_body, created_at FROM idempotency_keys WHERE user_id = :u AND idempotency_key = :k";
constexpr const char* kDelete = "DELETE FROM idempotency_keys WHERE user_id = :u AND idempotency_key = :k";
constexpr const char* kInsert =
    "INSERT INTO idempotency_keys (user_id, tenant_id, provider_org_id, idempotency_key, request_digest, state, status_code, "
    "response_body, created_at) VALUES (:u, :t, :p, :k, :d, 'done', :s, :b, :at)";

} // namespace

std::optional<idempotency_record> find_idempotency_key(soci::session& sql, std::int64_t user_id, const std::string& key)
{
    idempotency_record r;
    long long user = user_id;
    int code = 0;
    std::string body;
    soci::indicator code_i = soci::i_null, body_i = soci::i_null;
    sql << kFind, soci::use(user), soci::use(key), soci::into(r.state), soci::into(r.request_digest), soci::into(code, code_i),
        soci::into(body, body_i), soci::into(r.created_at);
    if (!sql.got_data()) return std::nullopt;
    r.user_id = user_id;
    r.key = key;
    if (code_i == soci::i_ok) r.status_code = code;
    if (body_i == soci::i_ok) r.response_body = std::move(body);
    return r;
}

void delete_idempotency_key(soci::session& sql, std::int64_t user_id, const std::string& key)
{
    long long user = user_id;
    sql << kDelete, soci::use(user), soci::use(key);
}

void insert_idempotency_key(soci::session& sql, const idempotency_record& r)
{
    long long user = r.user_id, tenant = r.tenant_id.value_or(0), provider = r.provider_org_id.value_or(0);
    soci::indicator tenant_i = r.tenant_id ? soci::i_ok : soci::i_null, provider_i = r.provider_org_id ? soci::i_ok : soci::i_null;
    int code = r.status_code.value_or(0);
    const std::string body = r.response_body.value_or("");
    sql << kInsert, soci::use(user), soci::use(tenant, tenant_i), soci::use(provider, provider_i), soci::use(r.key),
        soci::use(r.request_digest), soci::use(code), soci::use(body), soci::use(r.created_at);
}

} // namespace dps::calloff::store
