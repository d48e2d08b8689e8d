// Transition tables. Read them as "from --action--> to".
#include "dps/lifecycles.hpp"

#include <array>

namespace dps::purchasing {
namespace {

constexpr std::array kDpsMoves{
    transition{"draft", "open", "open"},         transition{"open", "suspend", "suspended"}, transition{"suspended", "reopen", "open"},
    transition{"open", "expire", "expired"},     transition{"suspended", "expire", "expired"}, transition{"draft", "close", "closed"},
    transition{"open", "close", "closed"},       transition{"suspended", "close", "closed"}, transition{"expired", "close", "closed"},
};

constexpr std::array kApplicationMoves{
    transition{"submitted", "admit", "admitted"},     transition{"submitted", "reject", "rejected"},
    transition{"submitted", "withdraw", "withdrawn"}, transition{"admitted", "suspend", "suspended"},
    transition{"suspended", "reinstate", "admitted"}, transition{"admitted", "remove", "removed"},
    transition{"suspended", "remove", "removed"},     transition{"admitted", "withdraw", "withdrawn"},
};

constexpr std::array kAgreementMoves{
    transition{"requested", "accept", "active"},          transition{"requested", "decline", "declined"},
    transition{"requested", "withdraw", "withdrawn"},     transition{"active", "give_notice", "notice_given"},
    transition{"notice_given", "terminate", "terminated"},
    // The clock's own moves: an agreement whose term ends without notice expires into terminated.
    transition{"active", "expire", "terminated"},         transition{"notice_given", "expire", "terminated"},
};

constexpr lifecycle_table kDps{"DPS", kDpsMoves};
constexpr lifecycle_table kApplication{"application", kApplicationMoves};
constexpr lifecycle_table kAgreement{"access agreement", kAgreementMoves};

} // namespace

const lifecycle_table& table(lifecycle which)
{
    switch (which) {
    case lifecycle::dps: return kDps;
    case lifecycle::application: return kApplication;
    case lifecycle::agreement: return kAgreement;
    }
    return kDps; // unreachable: every enumerator is handled above
}

} // namespace dps::purchasing
