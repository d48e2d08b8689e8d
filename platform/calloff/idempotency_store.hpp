// The SQL of idempotency keys: one row per (user, key) with the request's digest and, once the
// creation committed, its answer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace soci { class session; }

namespace dps::calloff::store {

struct idempotency_record {
    std::int64_t user_id = 0;
    std::optional<std::int64_t> tenant_id, provider_org_id;
    std::string key, request_digest, state; // state: 'done', or a legacy 'pending' reservation
    std::optional<int> status_code;
    std::optional<std::string> response_body;
    std::string created_at;
};

std::optional<idempotency_record> find_idempotency_key(soci::session& sql, std::int64_t user_id, const std::string& key);
void delete_idempotency_key(soci::session& sql, std::int64_t user_id, const std::string& key);
// Inserts the key as done, with the answer to replay.
void insert_idempotency_key(soci::session& sql, const idempotency_record& r);

} // namespace dps::calloff::store
