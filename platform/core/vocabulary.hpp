// A closed vocabulary: an enum class whose values have one text form each (a status, an action),
// the text written in one place beside the enum. The domain holds the enum; text appears only at
// the database and JSON boundaries. Each enum E declares, in its own namespace,
//     constexpr std::span<const named<E>> names(E) { return kENames; }
// which to_text/parse find by argument-dependent lookup; a misspelt enumerator does not compile.
#pragma once

#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace dps {

template <class E>
struct named {
    E value;
    std::string_view text;
};

template <class E>
constexpr std::string_view to_text(E e)
{
    for (const auto& n : names(E{}))
        if (n.value == e) return n.text;
    return "?"; // unreachable when names(E) lists every enumerator (tests/unit/vocabulary_test.cpp)
}

// The same as an owned string, for records that keep history as text (decision rows, audit).
template <class E>
std::string as_string(E e)
{
    return std::string{to_text(e)};
}

// A word for a record kept as text across vocabularies (a decision row names a bid's action or a
// call-off's, and free words like "create"): built from a string or from any vocabulary's enum.
struct word {
    std::string text;
    word(const char* t) : text(t) {}
    word(std::string t) : text(std::move(t)) {}
    template <class E>
        requires requires(E e) { names(e); }
    word(E e) : text(to_text(e))
    {
    }
};

// The enumerator a text names, or nothing: input from a request (an unknown word is a 400).
template <class E>
constexpr std::optional<E> parse(std::string_view text)
{
    for (const auto& n : names(E{}))
        if (n.text == text) return n.value;
    return std::nullopt;
}

// A value read back from the database: the schema's CHECK lists the same words as the enum (a
// test holds them equal), so a word the enum does not know means a corrupt row or a schema ahead of
// this binary; refuse it rather than act on it.
template <class E>
E from_column(std::string_view text)
{
    if (auto e = parse<E>(text)) return *e;
    throw std::runtime_error("unknown value '" + std::string{text} + "' in a status column");
}

} // namespace dps
