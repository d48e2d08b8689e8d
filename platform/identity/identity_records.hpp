// Rows of the identity tables as values: tenants, provider organisations, users, role grants, tokens.
#pragma once

#include "auth/principal.hpp"

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dps::identity {

struct tenant {
    std::int64_t id = 0;
    std::string slug, name, kind, status, created_at;
};

struct provider_org {
    std::int64_t id = 0;
    std::string name;
    std::optional<std::string> companies_house_number, cqc_provider_id, ofsted_urn;
    std::string status, created_at;
};

struct user {
    std::int64_t id = 0;
    auth::principal_kind kind = auth::principal_kind::council;
    std::optional<std::int64_t> tenant_id, provider_org_id;
    std::string email, display_name, status, created_at;
    std::vector<auth::role_grant> roles;
};

struct token_info {
    std::int64_t id = 0;
    std::int64_t user_id = 0;
    std::string kind, label, created_at, expires_at;
    std::optional<std::string> revoked_at;
};

struct token_owner {
    std::int64_t token_id = 0, user_id = 0;
    std::optional<std::int64_t> tenant_id, provider_org_id;
    bool revoked = false;
};

// A token just made: the only time its secret exists outside the caller's hands.
struct issued_token {
    token_info info;
    std::string secret;
};

// GET /v1/me: the caller's user, and its tenant or provider organisation (null when it has none
// or the caller may not read it).
struct caller_view {
    user who;
    std::optional<tenant> own_tenant;
    std::optional<provider_org> own_provider;
};

boost::json::value to_json(const tenant& t);
boost::json::value to_json(const provider_org& p);
boost::json::value to_json(const user& u);
boost::json::value to_json(const token_info& t);
boost::json::value to_json(const auth::role_grant& g);
boost::json::value to_json(const caller_view& v);

} // namespace dps::identity
