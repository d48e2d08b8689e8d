// The legal moves of every DPS lifecycle, as tables (core/lifecycle.hpp): a DPS, a provider's
// application/admission, and an access agreement. Every status write of these goes through
// next_state, the clock's own moves (expiry) included; an illegal move is a 409 naming the current
// state and nothing changes. tests/unit/lifecycle_test.cpp walks every table.
#pragma once

#include "core/lifecycle.hpp"
#include "core/result.hpp"

#include <string>
#include <string_view>

namespace dps::purchasing {

enum class lifecycle { dps, application, agreement };

const lifecycle_table& table(lifecycle which);

// The state reached by `action` from `from`, or a conflict error naming `from`.
inline result<std::string> next_state(lifecycle which, std::string_view from, std::string_view action)
{
    return table(which).next(from, action);
}

// Whether `action` names a move of this lifecycle at all (unknown actions are 400, not 409).
inline bool is_action(lifecycle which, std::string_view action) { return table(which).is_action(action); }

} // namespace dps::purchasing
