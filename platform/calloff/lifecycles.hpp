// The legal moves of stage two's aggregates, as tables (core/lifecycle.hpp): a call-off, a bid, an
// award (or a variation/extension, which are awards too), one approval step of an award, a contract
// and a contract change. Every status write of these goes through next_state; an illegal move is a
// 409 naming the current state and nothing changes. tests/unit/lifecycle_test.cpp walks every table.
#pragma once

#include "core/lifecycle.hpp"
#include "core/result.hpp"

#include <string>
#include <string_view>

namespace dps::calloff {

enum class lifecycle { call_off, bid, award, approval, contract, contract_change };

const lifecycle_table& table(lifecycle which);

// The state reached by `action` from `from`, or a conflict error naming `from`.
inline result<std::string> next_state(lifecycle which, std::string_view from, std::string_view action)
{
    return table(which).next(from, action);
}

} // namespace dps::calloff
