// HTTP endpoint for open data: GET /v1/ocds/releases?dps_id=N, an OCDS release package.
#pragma once

#include "http/message.hpp"

namespace dps::auth { class access_guard; struct principal; }

namespace dps::opendata {

class ocds_service;

class ocds_handlers {
public:
    explicit ocds_handlers(ocds_service& ocds) : ocds_(ocds) {}
    using request = http::request;
    using response = http::response;
    using principal = auth::principal;

    response releases(request& req, const principal& p);

private:
    ocds_service& ocds_;
};

void add_ocds_routes(auth::access_guard& guard, ocds_service& ocds);

} // namespace dps::opendata
