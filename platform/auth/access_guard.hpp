// The one place every request's access is decided. Each route is registered here with an access rule;
// the guard authenticates the bearer token, finds who owns the object the path names, and answers
// 401 (no or bad token), 404 (the object belongs to another tenant or organisation: its existence is
// not revealed) or 403 (the caller's role does not allow this) before the handler runs.
#pragma once

#include "auth/principal.hpp"
#include "core/result.hpp"
#include "http/router.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dps::identity { class identity_service; }

namespace dps::auth {

struct access_rule {
    bool is_public = false;          // no token needed
    bool any_principal = false;      // any authenticated caller (e.g. GET /v1/me)
    bool operators = false;          // platform operators may call it
    bool any_member = false;         // any member of the owning tenant or organisation
    bool self = false;               // the user the path names may call it on themself
    std::vector<role> roles;         // holders of any of these roles (within the owner's scope)
    std::string scope_param;         // the path parameter naming the object whose owner must match the caller

    static access_rule public_route() { return {.is_public = true}; }
    static access_rule authenticated() { return {.any_principal = true}; }
    std::string describe() const;
};

// Who owns an object named in a path.
struct owner {
    std::optional<std::int64_t> tenant_id;
    std::optional<std::int64_t> provider_org_id;
    std::optional<std::int64_t> user_id;           // for "self" rules
    std::optional<std::int64_t> partner_tenant_id; // an access agreement has two councils
};
// Looks up the owner of the object a path parameter names (its id, already parsed); nullopt when
// there is no such object. It runs in the caller's own data scope, so that on PostgreSQL row-level
// security hides other tenants' objects from the lookup itself, not only from the handler.
using owner_resolver = std::function<result<std::optional<owner>>(std::int64_t id, const db::scope& as)>;

using secured_handler = std::function<http::response(http::request&, const principal&)>;

class access_guard {
public:
    access_guard(http::router& routes, identity::identity_service& identity);

    void add(const std::string& method, const std::string& pattern, access_rule rule, secured_handler handler,
             http::route_options options = {});
    void add_public(const std::string& method, const std::string& pattern, http::handler handler, http::route_options options = {});
    void add_resolver(const std::string& param, owner_resolver resolver);

    struct entry {
        std::string method, pattern;
        access_rule rule;
    };
    const std::vector<entry>& registry() const { return registry_; }

    // The caller established by the admit step of a secured route.
    static const principal& caller(const http::request& req);

private:
    std::optional<http::response> admit(http::request& req, const access_rule& rule);
    http::response deny(const http::request& req, const principal* who, const error& e);

    http::router& routes_;
    identity::identity_service& identity_;
    std::map<std::string, owner_resolver> resolvers_;
    std::vector<entry> registry_;
};

} // namespace dps::auth
