// Who may exist and what they may be called: principal kinds, roles, and approver authorities.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dps::auth {

enum class principal_kind { operator_, council, provider };

enum class role {
    // inside a council
    tenant_admin,     // manages users, tokens and the Lua plugin
    commissioner,     // publishes call-offs, evaluates bids
    approver,         // approves awards under a named authority
    contract_manager, // monitors contracts, suspensions
    finance,          // fees, spend
    auditor,          // read-only, including the audit log
    // inside a provider organisation
    provider_admin,   // manages the organisation's profile and users
    bidder,           // applies to lots, bids on call-offs
};

std::string_view to_string(role r);
std::optional<role> parse_role(std::string_view text);
std::string_view to_string(principal_kind k);

// Which kind of user may hold a role.
principal_kind holder_of(role r);

// Named authorities an approver may hold: the same vocabulary plugins' approval routes use.
const std::vector<std::string>& known_authorities();
bool is_known_authority(std::string_view name);

} // namespace dps::auth
