// Transition tables for stage two. Read them as "from --action--> to".
#include "calloff/lifecycles.hpp"

#include <array>

namespace dps::calloff {
namespace {

struct move {
    std::string_view from, action, to;
};

// A call-off: drafted, published (open for bids until its deadline), scored, perhaps negotiated
// once (shortlisted bids make best and final offers until the round's deadline, then are scored
// again), awarded through the approval route, or closed unfilled when the council buys a spot
// placement instead. No award while a negotiation round is open; one round per call-off is the
// service's check (a call-off evaluated after its round cannot open another).
constexpr std::array kCallOffMoves{
    move{"draft", "publish", "open"},          move{"draft", "cancel", "cancelled"},
    move{"open", "evaluate", "evaluated"},     move{"open", "close_unfilled", "unfilled"},
    move{"evaluated", "propose_award", "awarding"}, move{"evaluated", "close_unfilled", "unfilled"},
    move{"evaluated", "negotiate", "negotiating"}, move{"negotiating", "evaluate", "evaluated"},
    move{"negotiating", "close_unfilled", "unfilled"},
    move{"awarding", "award_rejected", "evaluated"}, move{"awarding", "contract", "awarded"},
};

constexpr std::array kBidMoves{
    move{"submitted", "amend", "submitted"},       move{"submitted", "withdraw", "withdrawn"},
    move{"submitted", "award", "awarded"},         move{"submitted", "lose", "unsuccessful"},
    // A negotiation round: the bid is shortlisted, then its provider makes a best and final offer.
    move{"submitted", "shortlist", "submitted"},   move{"submitted", "bafo", "submitted"},
};

constexpr std::array kAwardMoves{
    move{"pending", "approve", "approved"},
    move{"pending", "reject", "rejected"},
};

template <std::size_t N>
const move* find(const std::array<move, N>& moves, std::string_view from, std::string_view action)
{
    for (const auto& m : moves)
        if (m.from == from && m.action == action) return &m;
    return nullptr;
}

const char* noun(lifecycle which)
{
    switch (which) {
    case lifecycle::call_off: return "call-off";
    case lifecycle::bid: return "bid";
    case lifecycle::award: return "award";
    }
    return "object";
}

} // namespace

result<std::string> next_state(lifecycle which, std::string_view from, std::string_view action)
{
    const move* m = nullptr;
    switch (which) {
    case lifecycle::call_off: m = find(kCallOffMoves, from, action); break;
    case lifecycle::bid: m = find(kBidMoves, from, action); break;
    case lifecycle::award: m = find(kAwardMoves, from, action); break;
    }
    if (m) return std::string{m->to};
    return make_error(error_kind::conflict, "illegal_transition",
                      std::string{"cannot "} + std::string{action} + " a " + noun(which) + " that is " + std::string{from},
                      std::string{from});
}

} // namespace dps::calloff
