// HTTP endpoints for DPSs, lots, provider profiles and applications: one named handler per route
// (each parses the request, calls one service and maps its result), and the table that registers
// them with the access guard. A test can call a handler directly; the table is the one place a
// route is named. Access agreements and spend authorities: dps/agreement_routes.hpp.
#pragma once

#include "dps/agreement_routes.hpp"
#include "http/message.hpp"

namespace dps::auth { class access_guard; struct principal; }

namespace dps::purchasing {

class dps_service;

class dps_handlers {
public:
    explicit dps_handlers(dps_service& dps) : dps_(dps) {}

    using request = http::request;
    using response = http::response;
    using principal = auth::principal;

    response create_dps(request& req, const principal& p);
    response list_dps(request& req, const principal& p);
    response get_dps(request& req, const principal& p);
    response change_status(request& req, const principal& p);
    response extend(request& req, const principal& p);
    response list_lots(request& req, const principal& p);
    response add_lot(request& req, const principal& p);
    response import_plugin_lots(request& req, const principal& p);
    response apply(request& req, const principal& p);
    response list_applications(request& req, const principal& p);
    response get_application(request& req, const principal& p);
    response application_history(request& req, const principal& p);
    response decide_application(request& req, const principal& p);
    response dps_history(request& req, const principal& p);
    response get_profile(request& req, const principal& p);
    response update_profile(request& req, const principal& p);

private:
    dps_service& dps_;
};

// Registers every route of the table, and the owner resolvers their scope parameters name.
void add_dps_routes(auth::access_guard& guard, dps_service& dps);

} // namespace dps::purchasing
