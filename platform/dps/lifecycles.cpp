// Transition tables. Read them as "from --action--> to".
#include "dps/lifecycles.hpp"

#include <array>

namespace dps::purchasing {
namespace {

struct move {
    std::string_view from, action, to;
};

constexpr std::array kDpsMoves{
    move{"draft", "open", "open"},         move{"open", "suspend", "suspended"}, move{"suspended", "reopen", "open"},
    move{"open", "expire", "expired"},     move{"suspended", "expire", "expired"}, move{"draft", "close", "closed"},
    move{"open", "close", "closed"},       move{"suspended", "close", "closed"}, move{"expired", "close", "closed"},
};

constexpr std::array kApplicationMoves{
    move{"submitted", "admit", "admitted"},     move{"submitted", "reject", "rejected"},
    move{"submitted", "withdraw", "withdrawn"}, move{"admitted", "suspend", "suspended"},
    move{"suspended", "reinstate", "admitted"}, move{"admitted", "remove", "removed"},
    move{"suspended", "remove", "removed"},     move{"admitted", "withdraw", "withdrawn"},
};

constexpr std::array kAgreementMoves{
    move{"requested", "accept", "active"},          move{"requested", "decline", "declined"},
    move{"requested", "withdraw", "withdrawn"},     move{"active", "give_notice", "notice_given"},
    move{"notice_given", "terminate", "terminated"},
};

template <std::size_t N>
const move* find(const std::array<move, N>& moves, std::string_view from, std::string_view action)
{
    for (const auto& m : moves)
        if (m.from == from && m.action == action) return &m;
    return nullptr;
}

template <std::size_t N>
bool has_action(const std::array<move, N>& moves, std::string_view action)
{
    for (const auto& m : moves)
        if (m.action == action) return true;
    return false;
}

const char* noun(lifecycle which)
{
    switch (which) {
    case lifecycle::dps: return "a DPS";
    case lifecycle::application: return "an application";
    case lifecycle::agreement: return "an access agreement";
    }
    return "object";
}

} // namespace

bool is_action(lifecycle which, std::string_view action)
{
    switch (which) {
    case lifecycle::dps: return has_action(kDpsMoves, action);
    case lifecycle::application: return has_action(kApplicationMoves, action);
    case lifecycle::agreement: return has_action(kAgreementMoves, action);
    }
    return false;
}

result<std::string> next_state(lifecycle which, std::string_view from, std::string_view action)
{
    const move* m = nullptr;
    switch (which) {
    case lifecycle::dps: m = find(kDpsMoves, from, action); break;
    case lifecycle::application: m = find(kApplicationMoves, from, action); break;
    case lifecycle::agreement: m = find(kAgreementMoves, from, action); break;
    }
    if (m) return std::string{m->to};
    return make_error(error_kind::conflict, "illegal_transition",
                      std::string{"cannot "} + std::string{action} + " " + noun(which) + " that is " + std::string{from},
                      std::string{from});
}

} // namespace dps::purchasing
