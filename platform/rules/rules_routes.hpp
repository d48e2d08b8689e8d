// HTTP endpoints for a tenant's plugin: the active version, its versions, upload, roll back, try a
// hook. One named handler per route (each parses the request, calls one service and maps its
// result), and the table that registers them. A test can call a handler directly.
#pragma once

#include "http/message.hpp"

namespace dps::auth { class access_guard; struct principal; }

namespace dps::rules {

class rules_service;

class rules_handlers {
public:
    explicit rules_handlers(rules_service& rules) : rules_(rules) {}

    using request = http::request;
    using response = http::response;
    using principal = auth::principal;

    response active(request& req, const principal& p);
    response versions(request& req, const principal& p);
    response upload(request& req, const principal& p);
    response activate(request& req, const principal& p);
    response evaluate(request& req, const principal& p);

private:
    rules_service& rules_;
};

void add_rules_routes(auth::access_guard& guard, rules_service& rules);

} // namespace dps::rules
