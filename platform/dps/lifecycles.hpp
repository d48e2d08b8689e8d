// The legal moves of every DPS lifecycle, as tables: a DPS, a provider's application/admission,
// and an access agreement. An illegal move is a 409 naming the current state; nothing changes.
#pragma once

#include "core/result.hpp"

#include <string>
#include <string_view>

namespace dps::purchasing {

enum class lifecycle { dps, application, agreement };

// The state reached by `action` from `from`, or a conflict error naming `from`.
result<std::string> next_state(lifecycle which, std::string_view from, std::string_view action);

// Whether `action` names a move of this lifecycle at all (unknown actions are 400, not 409).
bool is_action(lifecycle which, std::string_view action);

} // namespace dps::purchasing
