// A lifecycle as data: the legal moves {from, action, to} of one aggregate's status, typed by its
// status and action enums (core/vocabulary.hpp). Every status write goes through one, the
// platform's own moves too (a DPS expiring, a contract ending, an award approved): an illegal move
// is a 409 naming the current state, and nothing changes.
#pragma once

#include "core/result.hpp"
#include "core/vocabulary.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dps {

template <class S, class A>
struct transition {
    S from;
    A action;
    S to;
};

// 409 illegal_transition: "cannot <action> a <noun> that is <from>", the detail naming `from`.
error illegal_transition(std::string_view noun, std::string_view action, std::string_view from);

template <class S, class A>
class lifecycle {
public:
    template <std::size_t N>
    constexpr lifecycle(std::string_view noun, const std::array<transition<S, A>, N>& moves) : noun_(noun), moves_(moves)
    {
    }

    // The state `action` reaches from `from`, or 409 illegal_transition naming `from`.
    result<S> next(S from, A action) const
    {
        for (const auto& m : moves_)
            if (m.from == from && m.action == action) return m.to;
        return illegal_transition(noun_, to_text(action), to_text(from));
    }
    // Every state some move leaves or reaches (tests hold it equal to the enum and the schema).
    std::vector<S> states() const
    {
        std::vector<S> out;
        for (const auto& m : moves_)
            for (auto s : {m.from, m.to})
                if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
        return out;
    }
    std::span<const transition<S, A>> moves() const { return moves_; }
    std::string_view noun() const { return noun_; }

private:
    std::string_view noun_;
    std::span<const transition<S, A>> moves_;
};

} // namespace dps
