// The authenticated caller, as established from a token: never from ids or headers the client chooses.
#pragma once

#include "auth/roles.hpp"
#include "db/scope.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dps::auth {

struct role_grant {
    std::int64_t id = 0;
    role granted = role::auditor;
    std::string authority; // approvers only
};

struct principal {
    principal_kind kind = principal_kind::council;
    std::int64_t user_id = 0;
    std::optional<std::int64_t> tenant_id;       // council users
    std::optional<std::int64_t> provider_org_id; // provider users
    std::string email;
    std::string display_name;
    std::vector<role_grant> roles;
    std::int64_t token_id = 0;
    // The credential this request came with: "session" (a password sign-in) or "api", and when it
    // expires (ISO 8601, UTC). A credential may not create another that outlives it without the
    // password (identity_service::issue_token), so a stolen one cannot make itself permanent.
    std::string credential = "api";
    std::string credential_expires_at;

    bool has_role(role r) const;
    bool is_operator() const { return kind == principal_kind::operator_; }
    std::string actor() const; // for the audit log: "user:42"
    db::scope data_scope() const; // the rows this caller's units of work may touch
};

} // namespace dps::auth
