// The one shape of every domain module's route table (issue 10): a row per route naming its method,
// path, access rule and handler (a member of the module's `<module>_handlers` class), and the loop
// that registers the rows with the access guard. It is the access guard's, not a domain module's:
// every module's routes use it. The role lists more than one module's table names live here too.
#pragma once

#include "auth/access_guard.hpp"
#include "auth/principal.hpp"
#include "auth/roles.hpp"
#include "http/message.hpp"
#include "http/router.hpp"

#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace dps::auth {

// What a row may add to its roles and scope parameter, or-ed together: `json | once`.
namespace route_flags {
inline constexpr unsigned json = 1u << 0;          // the body must be JSON (http::body_kind::json)
inline constexpr unsigned once = 1u << 1;          // a creation that honours Idempotency-Key: a retry replays the first answer
inline constexpr unsigned operators = 1u << 2;     // platform operators may call it (auth::access_rule::operators)
inline constexpr unsigned any_member = 1u << 3;    // any member of the owning tenant or organisation
inline constexpr unsigned self = 1u << 4;          // the user the path names may call it on themself
inline constexpr unsigned any_principal = 1u << 5; // any authenticated caller (auth::access_rule::authenticated)
inline constexpr unsigned runs_inline = 1u << 6;   // never blocks: runs on the network thread (http::route_options)
} // namespace route_flags

// One row of a route table. A scope parameter names the path id whose owner the access guard
// resolves first. A public row (no token needed) has no roles, scope or principal.
template <class Handlers>
struct route_row {
    using secured = http::response (Handlers::*)(http::request&, const auth::principal&);
    using open = http::response (Handlers::*)(http::request&);

    route_row(const char* method_, const char* path_, std::vector<auth::role> roles_, const char* scope_param_, secured handle_,
              unsigned flags_ = 0)
        : method(method_), path(path_), roles(std::move(roles_)), scope_param(scope_param_), handle(handle_), flags(flags_)
    {
    }
    route_row(const char* method_, const char* path_, open handle_, unsigned flags_ = 0)
        : method(method_), path(path_), open_handle(handle_), flags(flags_)
    {
    }

    const char* method;
    const char* path;
    std::vector<auth::role> roles;
    const char* scope_param = nullptr;
    secured handle = nullptr;
    open open_handle = nullptr;
    unsigned flags = 0;

    auth::access_rule rule() const
    {
        using namespace route_flags;
        auth::access_rule r{.any_principal = (flags & any_principal) != 0,
                            .operators = (flags & operators) != 0,
                            .any_member = (flags & any_member) != 0,
                            .self = (flags & self) != 0,
                            .roles = roles};
        if (scope_param) r.scope_param = scope_param;
        return r;
    }
    http::route_options options() const
    {
        return {.body = (flags & route_flags::json) ? http::body_kind::json : http::body_kind::none,
                .runs_inline = (flags & route_flags::runs_inline) != 0};
    }
};

// Wraps the handler of a row flagged `once` (calloff::idempotency::run in the call-off module).
using once_wrapper = std::function<auth::secured_handler(auth::secured_handler)>;

// Registers every row, in order, each calling its member of a copy of `handlers`.
template <class Handlers>
void add_route_table(auth::access_guard& guard, Handlers handlers, std::vector<route_row<Handlers>> rows,
                     const once_wrapper& wrap_once = {})
{
    for (auto& r : rows) {
        if (r.open_handle) {
            guard.add_public(r.method, r.path, [handlers, fn = r.open_handle](http::request& req) mutable { return (handlers.*fn)(req); },
                             r.options());
            continue;
        }
        auth::secured_handler handle = [handlers, fn = r.handle](http::request& req, const auth::principal& p) mutable {
            return (handlers.*fn)(req, p);
        };
        if (r.flags & route_flags::once) {
            if (!wrap_once) throw std::logic_error(std::string("route ") + r.method + " " + r.path + " honours Idempotency-Key, but no wrapper was given");
            handle = wrap_once(std::move(handle));
        }
        guard.add(r.method, r.path, r.rule(), std::move(handle), r.options());
    }
}

// The role lists several modules' tables name.
inline const std::vector<auth::role> kCouncilRoles{auth::role::tenant_admin,     auth::role::commissioner, auth::role::approver,
                                                   auth::role::contract_manager, auth::role::finance,      auth::role::auditor};
inline const std::vector<auth::role> kProviderRoles{auth::role::provider_admin, auth::role::bidder};
// The lead council's officers: they run a DPS, its lots, agreements and call-offs.
inline const std::vector<auth::role> kLeadOfficers{auth::role::tenant_admin, auth::role::commissioner};
// Every council and provider role (not operators).
inline std::vector<auth::role> member_roles()
{
    auto all = kCouncilRoles;
    all.insert(all.end(), kProviderRoles.begin(), kProviderRoles.end());
    return all;
}

} // namespace dps::auth
