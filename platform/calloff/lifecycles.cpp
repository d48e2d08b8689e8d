// Transition tables for stage two. Read them as "from --action--> to".
#include "calloff/lifecycles.hpp"

#include <array>

namespace dps::calloff {
namespace {

// A call-off: drafted, published (open for bids until its deadline), scored, perhaps negotiated
// once (shortlisted bids make best and final offers until the round's deadline, then are scored
// again), awarded through the approval route, or closed unfilled when the council buys a spot
// placement instead. No award while a negotiation round is open; one round per call-off is the
// service's check (a call-off evaluated after its round cannot open another).
constexpr std::array kCallOffMoves{
    transition{"draft", "publish", "open"},          transition{"draft", "cancel", "cancelled"},
    transition{"open", "evaluate", "evaluated"},     transition{"open", "close_unfilled", "unfilled"},
    transition{"evaluated", "propose_award", "awarding"}, transition{"evaluated", "close_unfilled", "unfilled"},
    transition{"evaluated", "negotiate", "negotiating"}, transition{"negotiating", "evaluate", "evaluated"},
    transition{"negotiating", "close_unfilled", "unfilled"},
    transition{"awarding", "award_rejected", "evaluated"}, transition{"awarding", "contract", "awarded"},
};

constexpr std::array kBidMoves{
    transition{"submitted", "amend", "submitted"},     transition{"submitted", "withdraw", "withdrawn"},
    transition{"submitted", "award", "awarded"},       transition{"submitted", "lose", "unsuccessful"},
    // A negotiation round: the bid is shortlisted, then its provider makes a best and final offer.
    transition{"submitted", "shortlist", "submitted"}, transition{"submitted", "bafo", "submitted"},
};

// An award, variation or extension waits for its approval route; the last approval (within the
// spend authority) approves it, any rejection rejects it.
constexpr std::array kAwardMoves{
    transition{"pending", "approve", "approved"},
    transition{"pending", "reject", "rejected"},
};

// One step of an approval route, decided once by an approver holding its authority.
constexpr std::array kApprovalMoves{
    transition{"pending", "approve", "approved"},
    transition{"pending", "reject", "rejected"},
};

// A contract runs until its end date passes, when the platform ends it. 'terminate' (ending early)
// is in the schema's states; no route performs it yet.
constexpr std::array kContractMoves{
    transition{"active", "end", "ended"},
    transition{"active", "terminate", "terminated"},
};

// A variation or extension of a contract: applied when its award is approved, else rejected.
constexpr std::array kContractChangeMoves{
    transition{"pending", "apply", "applied"},
    transition{"pending", "reject", "rejected"},
};

constexpr lifecycle_table kCallOff{"call-off", kCallOffMoves};
constexpr lifecycle_table kBid{"bid", kBidMoves};
constexpr lifecycle_table kAward{"award", kAwardMoves};
constexpr lifecycle_table kApproval{"approval", kApprovalMoves};
constexpr lifecycle_table kContract{"contract", kContractMoves};
constexpr lifecycle_table kContractChange{"contract change", kContractChangeMoves};

} // namespace

const lifecycle_table& table(lifecycle which)
{
    switch (which) {
    case lifecycle::call_off: return kCallOff;
    case lifecycle::bid: return kBid;
    case lifecycle::award: return kAward;
    case lifecycle::approval: return kApproval;
    case lifecycle::contract: return kContract;
    case lifecycle::contract_change: return kContractChange;
    }
    return kCallOff; // unreachable: every enumerator is handled above
}

} // namespace dps::calloff
