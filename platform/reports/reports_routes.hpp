// HTTP endpoints for reports: GET /v1/reports/{name}, JSON by default, CSV with ?format=csv or
// Accept: text/csv. One named handler per report.
#pragma once

#include "http/message.hpp"

namespace dps::auth { class access_guard; struct principal; }

namespace dps::reports {

class reports_service;

class reports_handlers {
public:
    explicit reports_handlers(reports_service& reports) : reports_(reports) {}
    using request = http::request;
    using response = http::response;
    using principal = auth::principal;

    response dps_vs_spot(request& req, const principal& p);

private:
    reports_service& reports_;
};

void add_reports_routes(auth::access_guard& guard, reports_service& reports);

} // namespace dps::reports
