// The legal moves of a call-off, a bid and an award, as tables. An illegal move is a 409 naming
// the current state; nothing changes.
#pragma once

#include "core/result.hpp"

#include <string>
#include <string_view>

namespace dps::calloff {

enum class lifecycle { call_off, bid, award };

// The state reached by `action` from `from`, or a conflict error naming `from`.
result<std::string> next_state(lifecycle which, std::string_view from, std::string_view action);

} // namespace dps::calloff
