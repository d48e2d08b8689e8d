// The vocabulary of stage two: every status and action of a call-off, bid, award, approval step,
// contract and contract change, as enums with their one text form (core/vocabulary.hpp). The words
// are the API's and the schema's (CHECK (status IN …)); tests/unit/lifecycle_test.cpp holds the
// three equal. The moves between them: calloff/lifecycles.hpp.
#pragma once

#include "core/vocabulary.hpp"

#include <array>
#include <span>

namespace dps::calloff {

enum class call_off_status { draft, open, evaluated, negotiating, awarding, awarded, unfilled, cancelled };
enum class call_off_action { publish, cancel, evaluate, close_unfilled, propose_award, negotiate, award_rejected, contract };
enum class bid_status { submitted, withdrawn, awarded, unsuccessful };
enum class bid_action { amend, withdraw, award, lose, shortlist, bafo };
enum class award_status { pending, approved, rejected };
enum class award_action { approve, reject };
enum class approval_status { pending, approved, rejected };
enum class approval_action { approve, reject };
enum class contract_status { active, ended, terminated };
enum class contract_action { end, terminate };
enum class change_status { pending, applied, rejected };
enum class change_action { apply, reject };

inline constexpr auto kCallOffStatusNames = [] {
    using enum call_off_status;
    return std::array<named<call_off_status>, 8>{{
        {draft, "draft"}, {open, "open"}, {evaluated, "evaluated"}, {negotiating, "negotiating"}, {awarding, "awarding"},
        {awarded, "awarded"}, {unfilled, "unfilled"}, {cancelled, "cancelled"}
    }};
}();
inline constexpr auto kCallOffActionNames = [] {
    using enum call_off_action;
    return std::array<named<call_off_action>, 8>{{
        {publish, "publish"}, {cancel, "cancel"}, {evaluate, "evaluate"}, {close_unfilled, "close_unfilled"},
        {propose_award, "propose_award"}, {negotiate, "negotiate"}, {award_rejected, "award_rejected"},
        {contract, "contract"}
    }};
}();
inline constexpr auto kBidStatusNames = [] {
    using enum bid_status;
    return std::array<named<bid_status>, 4>{{
        {submitted, "submitted"}, {withdrawn, "withdrawn"}, {awarded, "awarded"}, {unsuccessful, "unsuccessful"}
    }};
}();
inline constexpr auto kBidActionNames = [] {
    using enum bid_action;
    return std::array<named<bid_action>, 6>{{
        {amend, "amend"}, {withdraw, "withdraw"}, {award, "award"}, {lose, "lose"}, {shortlist, "shortlist"},
        {bafo, "bafo"}
    }};
}();
inline constexpr auto kAwardStatusNames = [] {
    using enum award_status;
    return std::array<named<award_status>, 3>{{
        {pending, "pending"}, {approved, "approved"}, {rejected, "rejected"}
    }};
}();
inline constexpr auto kAwardActionNames = [] {
    using enum award_action;
    return std::array<named<award_action>, 2>{{
        {approve, "approve"}, {reject, "reject"}
    }};
}();
inline constexpr auto kApprovalStatusNames = [] {
    using enum approval_status;
    return std::array<named<approval_status>, 3>{{
        {pending, "pending"}, {approved, "approved"}, {rejected, "rejected"}
    }};
}();
inline constexpr auto kApprovalActionNames = [] {
    using enum approval_action;
    return std::array<named<approval_action>, 2>{{
        {approve, "approve"}, {reject, "reject"}
    }};
}();
inline constexpr auto kContractStatusNames = [] {
    using enum contract_status;
    return std::array<named<contract_status>, 3>{{
        {active, "active"}, {ended, "ended"}, {terminated, "terminated"}
    }};
}();
inline constexpr auto kContractActionNames = [] {
    using enum contract_action;
    return std::array<named<contract_action>, 2>{{
        {end, "end"}, {terminate, "terminate"}
    }};
}();
inline constexpr auto kChangeStatusNames = [] {
    using enum change_status;
    return std::array<named<change_status>, 3>{{
        {pending, "pending"}, {applied, "applied"}, {rejected, "rejected"}
    }};
}();
inline constexpr auto kChangeActionNames = [] {
    using enum change_action;
    return std::array<named<change_action>, 2>{{
        {apply, "apply"}, {reject, "reject"}
    }};
}();

constexpr std::span<const named<call_off_status>> names(call_off_status) { return kCallOffStatusNames; }
constexpr std::span<const named<call_off_action>> names(call_off_action) { return kCallOffActionNames; }
constexpr std::span<const named<bid_status>> names(bid_status) { return kBidStatusNames; }
constexpr std::span<const named<bid_action>> names(bid_action) { return kBidActionNames; }
constexpr std::span<const named<award_status>> names(award_status) { return kAwardStatusNames; }
constexpr std::span<const named<award_action>> names(award_action) { return kAwardActionNames; }
constexpr std::span<const named<approval_status>> names(approval_status) { return kApprovalStatusNames; }
constexpr std::span<const named<approval_action>> names(approval_action) { return kApprovalActionNames; }
constexpr std::span<const named<contract_status>> names(contract_status) { return kContractStatusNames; }
constexpr std::span<const named<contract_action>> names(contract_action) { return kContractActionNames; }
constexpr std::span<const named<change_status>> names(change_status) { return kChangeStatusNames; }
constexpr std::span<const named<change_action>> names(change_action) { return kChangeActionNames; }

} // namespace dps::calloff
