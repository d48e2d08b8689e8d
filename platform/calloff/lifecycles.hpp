// The legal moves of stage two's aggregates, as tables (core/lifecycle.hpp): a call-off, a bid, an
// award (or a variation/extension, which are awards too), one approval step of an award, a contract
// and a contract change. Every status write of these goes through next_state; an illegal move is a
// 409 naming the current state and nothing changes. tests/unit/lifecycle_test.cpp walks every table.
// Read the tables as "from --action--> to".
#pragma once

#include "calloff/states.hpp"
#include "core/lifecycle.hpp"

#include <array>

namespace dps::calloff {

// A call-off: drafted, published (open for bids until its deadline), scored, perhaps negotiated
// once (shortlisted bids make best and final offers until the round's deadline, then are scored
// again), awarded through the approval route, or closed unfilled when the council buys a spot
// placement instead. No award while a negotiation round is open; one round per call-off is the
// service's check (a call-off evaluated after its round cannot open another).
inline constexpr auto kCallOffMoves = [] {
    using enum call_off_status;
    using enum call_off_action;
    return std::array<transition<call_off_status, call_off_action>, 11>{{
        {draft, publish, open},
        {draft, cancel, cancelled},
        {open, evaluate, evaluated},
        {open, close_unfilled, unfilled},
        {evaluated, propose_award, awarding},
        {evaluated, close_unfilled, unfilled},
        {evaluated, negotiate, negotiating},
        {negotiating, evaluate, evaluated},
        {negotiating, close_unfilled, unfilled},
        {awarding, award_rejected, evaluated},
        {awarding, contract, awarded},
    }};
}();

inline constexpr auto kBidMoves = [] {
    using enum bid_status;
    using enum bid_action;
    return std::array<transition<bid_status, bid_action>, 6>{{
        {submitted, amend, submitted},
        {submitted, withdraw, withdrawn},
        {submitted, award, awarded},
        {submitted, lose, unsuccessful},
        // A negotiation round: the bid is shortlisted, then its provider makes a best and final offer.
        {submitted, shortlist, submitted},
        {submitted, bafo, submitted},
    }};
}();

// An award, variation or extension waits for its approval route; the last approval (within the
// spend authority) approves it, any rejection rejects it.
inline constexpr auto kAwardMoves = [] {
    using enum award_status;
    using enum award_action;
    return std::array<transition<award_status, award_action>, 2>{{
        {pending, approve, approved},
        {pending, reject, rejected},
    }};
}();

// One step of an approval route, decided once by an approver holding its authority.
inline constexpr auto kApprovalMoves = [] {
    using enum approval_status;
    using enum approval_action;
    return std::array<transition<approval_status, approval_action>, 2>{{
        {pending, approve, approved},
        {pending, reject, rejected},
    }};
}();

// A contract runs until its end date passes, when the platform ends it. 'terminate' (ending early)
// is in the schema's states; no route performs it yet.
inline constexpr auto kContractMoves = [] {
    using enum contract_status;
    using enum contract_action;
    return std::array<transition<contract_status, contract_action>, 2>{{
        {active, end, ended},
        {active, terminate, terminated},
    }};
}();

// A variation or extension of a contract: applied when its award is approved, else rejected.
inline constexpr auto kContractChangeMoves = [] {
    using enum change_status;
    using enum change_action;
    return std::array<transition<change_status, change_action>, 2>{{
        {pending, apply, applied},
        {pending, reject, rejected},
    }};
}();

inline constexpr lifecycle kCallOffLifecycle{"call-off", kCallOffMoves};
inline constexpr lifecycle kBidLifecycle{"bid", kBidMoves};
inline constexpr lifecycle kAwardLifecycle{"award", kAwardMoves};
inline constexpr lifecycle kApprovalLifecycle{"approval", kApprovalMoves};
inline constexpr lifecycle kContractLifecycle{"contract", kContractMoves};
inline constexpr lifecycle kContractChangeLifecycle{"contract change", kContractChangeMoves};

// The state reached by `action` from `from`, or a conflict error naming `from`: the table is
// chosen by the types, so a bid's action cannot be applied to a call-off.
inline result<call_off_status> next_state(call_off_status from, call_off_action a) { return kCallOffLifecycle.next(from, a); }
inline result<bid_status> next_state(bid_status from, bid_action a) { return kBidLifecycle.next(from, a); }
inline result<award_status> next_state(award_status from, award_action a) { return kAwardLifecycle.next(from, a); }
inline result<approval_status> next_state(approval_status from, approval_action a) { return kApprovalLifecycle.next(from, a); }
inline result<contract_status> next_state(contract_status from, contract_action a) { return kContractLifecycle.next(from, a); }
inline result<change_status> next_state(change_status from, change_action a) { return kContractChangeLifecycle.next(from, a); }

} // namespace dps::calloff
