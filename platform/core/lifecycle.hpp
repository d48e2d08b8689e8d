// A lifecycle as data: the legal moves {from, action, to} of one aggregate's status. Every status
// write goes through one, the platform's own moves too (a DPS expiring, a contract ending, an award
// approved): an illegal move is a 409 naming the current state, and nothing changes.
#pragma once

#include "core/result.hpp"

#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dps {

struct transition {
    std::string_view from, action, to;
};

class lifecycle_table {
public:
    template <std::size_t N>
    constexpr lifecycle_table(std::string_view noun, const std::array<transition, N>& moves) : noun_(noun), moves_(moves)
    {
    }

    // The state `action` reaches from `from`, or 409 illegal_transition naming `from`.
    result<std::string> next(std::string_view from, std::string_view action) const;
    // Whether `action` is a move of this lifecycle at all (an unknown action is a 400, not a 409).
    bool is_action(std::string_view action) const;
    // Every state the table names, sorted: what the schema's CHECK (status IN …) must list.
    std::vector<std::string> states() const;
    std::span<const transition> moves() const { return moves_; }
    std::string_view noun() const { return noun_; }

private:
    std::string_view noun_;
    std::span<const transition> moves_;
};

} // namespace dps
