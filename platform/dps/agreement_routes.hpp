// HTTP endpoints for access agreements (/v1/dps/{id}/agreements, /v1/agreements/…) and spend
// authorities: one named handler per route, and the table that registers them.
#pragma once

#include "http/message.hpp"

namespace dps::auth { class access_guard; struct principal; }

namespace dps::purchasing {

class agreement_service;
class dps_service;

class agreement_handlers {
public:
    agreement_handlers(agreement_service& agreements, dps_service& dps) : agreements_(agreements), dps_(dps) {}

    using request = http::request;
    using response = http::response;
    using principal = auth::principal;

    response request_agreement(request& req, const principal& p);
    response list_agreements(request& req, const principal& p);
    response get_agreement(request& req, const principal& p);
    response history(request& req, const principal& p);
    response decide(request& req, const principal& p);
    response give_notice(request& req, const principal& p);
    response add_lot(request& req, const principal& p);
    response drop_lot(request& req, const principal& p);
    response mark_fee_paid(request& req, const principal& p);
    response add_spend_authority(request& req, const principal& p);
    response list_spend_authorities(request& req, const principal& p);

private:
    agreement_service& agreements_;
    dps_service& dps_; // an agreement's decision trail is kept with the DPS's (dps_service::history)
};

// Registers every route of the table, and the owner resolver for agreement_id.
void add_agreement_routes(auth::access_guard& guard, agreement_service& agreements, dps_service& dps);

} // namespace dps::purchasing
