// Lifecycle tables: lookups over a handful of moves, linear on purpose.
#include "core/lifecycle.hpp"

#include <algorithm>

namespace dps {

result<std::string> lifecycle_table::next(std::string_view from, std::string_view action) const
{
    for (const auto& m : moves_)
        if (m.from == from && m.action == action) return std::string{m.to};
    const std::string article = !noun_.empty() && std::string_view{"aeiou"}.find(noun_.front()) != std::string_view::npos ? "an " : "a ";
    return make_error(error_kind::conflict, "illegal_transition",
                      "cannot " + std::string{action} + " " + article + std::string{noun_} + " that is " + std::string{from},
                      std::string{from});
}

bool lifecycle_table::is_action(std::string_view action) const
{
    return std::any_of(moves_.begin(), moves_.end(), [&](const transition& m) { return m.action == action; });
}

std::vector<std::string> lifecycle_table::states() const
{
    std::vector<std::string> out;
    for (const auto& m : moves_)
        for (auto s : {m.from, m.to})
            if (std::find(out.begin(), out.end(), s) == out.end()) out.emplace_back(s);
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace dps
