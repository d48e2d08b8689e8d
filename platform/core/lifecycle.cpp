// The one wording of an illegal move, for every lifecycle.
#include "core/lifecycle.hpp"

namespace dps {

error illegal_transition(std::string_view noun, std::string_view action, std::string_view from)
{
    const std::string article = !noun.empty() && std::string_view{"aeiou"}.find(noun.front()) != std::string_view::npos ? "an " : "a ";
    return make_error(error_kind::conflict, "illegal_transition",
                      "cannot " + std::string{action} + " " + article + std::string{noun} + " that is " + std::string{from},
                      std::string{from});
}

} // namespace dps
