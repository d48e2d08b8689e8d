// The legal moves of every DPS lifecycle, as tables (core/lifecycle.hpp): a DPS, a provider's
// application/admission, and an access agreement. Every status write of these goes through
// next_state, the clock's own moves (expiry) included; an illegal move is a 409 naming the current
// state and nothing changes. tests/unit/lifecycle_test.cpp walks every table.
// Read the tables as "from --action--> to".
#pragma once

#include "core/lifecycle.hpp"
#include "dps/states.hpp"

#include <array>

namespace dps::purchasing {

inline constexpr auto kDpsMoves = [] {
    using enum dps_status;
    using A = dps_action; // its "open" is also a status
    return std::array<transition<dps_status, dps_action>, 9>{{
        {draft, A::open, open}, {open, A::suspend, suspended},
        {suspended, A::reopen, open}, {open, A::expire, expired},
        {suspended, A::expire, expired}, {draft, A::close, closed},
        {open, A::close, closed}, {suspended, A::close, closed},
        {expired, A::close, closed},
    }};
}();

inline constexpr auto kApplicationMoves = [] {
    using enum application_status;
    using enum application_action;
    return std::array<transition<application_status, application_action>, 8>{{
        {submitted, admit, admitted},
        {submitted, reject, rejected},
        {submitted, withdraw, withdrawn},
        {admitted, suspend, suspended},
        {suspended, reinstate, admitted},
        {admitted, remove, removed},
        {suspended, remove, removed},
        {admitted, withdraw, withdrawn},
    }};
}();

inline constexpr auto kAgreementMoves = [] {
    using enum agreement_status;
    using enum agreement_action;
    return std::array<transition<agreement_status, agreement_action>, 7>{{
        {requested, accept, active},
        {requested, decline, declined},
        {requested, withdraw, withdrawn},
        {active, give_notice, notice_given},
        {notice_given, terminate, terminated},
        // The clock's own moves: an agreement whose term ends without notice expires into terminated.
        {active, expire, terminated},
        {notice_given, expire, terminated},
    }};
}();

inline constexpr lifecycle kDpsLifecycle{"DPS", kDpsMoves};
inline constexpr lifecycle kApplicationLifecycle{"application", kApplicationMoves};
inline constexpr lifecycle kAgreementLifecycle{"access agreement", kAgreementMoves};

// The state reached by `action` from `from`, or a conflict error naming `from`.
inline result<dps_status> next_state(dps_status from, dps_action a) { return kDpsLifecycle.next(from, a); }
inline result<application_status> next_state(application_status from, application_action a) { return kApplicationLifecycle.next(from, a); }
inline result<agreement_status> next_state(agreement_status from, agreement_action a) { return kAgreementLifecycle.next(from, a); }

} // namespace dps::purchasing
