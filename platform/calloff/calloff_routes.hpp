// The call-off, bid, award and contract routes: one named handler per route (each parses the
// request, calls one service and maps its result), and the table that registers them with the
// access guard. A test can call a handler directly; the table is the one place a route is named.
#pragma once

#include "http/message.hpp"

namespace dps::auth { class access_guard; struct principal; }

namespace dps::calloff {

class calloff_service;
class award_service;
class idempotency;

class calloff_handlers {
public:
    calloff_handlers(calloff_service& calloffs, award_service& awards) : calloffs_(calloffs), awards_(awards) {}

    using request = http::request;
    using response = http::response;
    using principal = auth::principal;

    response create_call_off(request& req, const principal& p);
    response list_spot_purchases(request& req, const principal& p);
    response get_spot_purchase(request& req, const principal& p);
    response list_call_offs(request& req, const principal& p);
    response get_call_off(request& req, const principal& p);
    response publish(request& req, const principal& p);
    response list_bids(request& req, const principal& p);
    response submit_bid(request& req, const principal& p);
    response get_bid(request& req, const principal& p);
    response amend_bid(request& req, const principal& p);
    response withdraw_bid(request& req, const principal& p);
    response evaluate(request& req, const principal& p);
    response close_unfilled(request& req, const principal& p);
    response negotiate(request& req, const principal& p);
    response history(request& req, const principal& p);
    response propose_award(request& req, const principal& p);
    response get_award(request& req, const principal& p);
    response decide_award(request& req, const principal& p);
    response list_contracts(request& req, const principal& p);
    response get_contract(request& req, const principal& p);
    response vary_contract(request& req, const principal& p);
    response propose_uplift(request& req, const principal& p);
    response apply_uplift(request& req, const principal& p);

private:
    calloff_service& calloffs_;
    award_service& awards_;
};

// Registers every route of the table, and the owner resolvers their scope parameters name.
void add_calloff_routes(auth::access_guard& guard, calloff_service& calloffs, award_service& awards, idempotency& once);

} // namespace dps::calloff
