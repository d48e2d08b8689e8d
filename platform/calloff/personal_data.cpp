// Each scanner tries a fixed pattern at every start position; a pattern's only loops are over runs
// of whitespace or letters that the next element cannot match, so no position is revisited by
// backtracking and the work is linear in the text (see personal_data.hpp).
#include "calloff/personal_data.hpp"

#include <array>

namespace dps::calloff {
namespace {

bool digit(char c) { return c >= '0' && c <= '9'; }
bool letter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool upper(char c) { return c >= 'A' && c <= 'Z'; }
bool lower(char c) { return c >= 'a' && c <= 'z'; }
bool alnum(char c) { return digit(c) || letter(c); }
bool word(char c) { return alnum(c) || c == '_'; }
bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }
char fold(char c) { return upper(c) ? static_cast<char>(c - 'A' + 'a') : c; }

struct cursor {
    std::string_view t;
    char at(std::size_t i) const { return i < t.size() ? t[i] : '\0'; }
    bool is(std::size_t i, bool (*pred)(char)) const { return i < t.size() && pred(t[i]); }
    // A word boundary as ECMAScript's \b: a word character on exactly one side.
    bool boundary(std::size_t i) const
    {
        const bool before = i > 0 && word(t[i - 1]), after = i < t.size() && word(t[i]);
        return before != after;
    }
    // Case-insensitive literal at i; returns the position after it.
    std::optional<std::size_t> literal(std::size_t i, std::string_view w, bool fold_case = true) const
    {
        if (i + w.size() > t.size()) return std::nullopt;
        for (std::size_t k = 0; k < w.size(); ++k)
            if ((fold_case ? fold(t[i + k]) : t[i + k]) != w[k]) return std::nullopt;
        return i + w.size();
    }
    std::size_t skip_spaces(std::size_t i) const
    {
        while (i < t.size() && space(t[i])) ++i;
        return i;
    }
    // n digits at i (exactly): the position after them.
    std::optional<std::size_t> digits(std::size_t i, std::size_t n) const
    {
        for (std::size_t k = 0; k < n; ++k)
            if (!is(i + k, digit)) return std::nullopt;
        return i + n;
    }
};

// [A-Za-z]{1,2}[0-9][A-Za-z0-9]?\s*[0-9][A-Za-z]{2}, then the end or a character that is not alphanumeric.
bool postcode_at(const cursor& c, std::size_t i)
{
    for (std::size_t letters = 1; letters <= 2; ++letters) {
        bool ok = true;
        for (std::size_t k = 0; k < letters; ++k) ok = ok && c.is(i + k, letter);
        if (!ok || !c.is(i + letters, digit)) continue;
        const std::size_t after_digit = i + letters + 1;
        for (std::size_t extra = 0; extra <= 1; ++extra) {
            if (extra == 1 && !c.is(after_digit, alnum)) break;
            std::size_t j = c.skip_spaces(after_digit + extra);
            if (c.is(j, digit) && c.is(j + 1, letter) && c.is(j + 2, letter) && !c.is(j + 3, alnum)) return true;
        }
    }
    return false;
}

// [0-9]{3}[ -]?[0-9]{3}[ -]?[0-9]{4}, not inside a longer run of digits.
bool nhs_at(const cursor& c, std::size_t i)
{
    auto group = [&](std::size_t j, std::size_t n, bool separator_allowed) -> std::optional<std::size_t> {
        if (separator_allowed && (c.at(j) == ' ' || c.at(j) == '-')) ++j;
        return c.digits(j, n);
    };
    auto j = c.digits(i, 3);
    if (j) j = group(*j, 3, true);
    if (j) j = group(*j, 4, true);
    return j && !c.is(*j, digit);
}

bool date_separator(char ch) { return ch == '/' || ch == '.' || ch == '-'; }

constexpr std::array<std::string_view, 12> kMonths{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};

// [0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{2}, or [0-9]{4}-[0-9]{2}-[0-9]{2},
// or [0-9]{1,2}(st|nd|rd|th)? <month>[a-z]* [0-9]{4}; anywhere (no boundaries), month words in any case.
bool date_at(const cursor& c, std::size_t i)
{
    for (std::size_t d1 = 1; d1 <= 2; ++d1) {
        if (!c.digits(i, d1) || !date_separator(c.at(i + d1))) continue;
        for (std::size_t d2 = 1; d2 <= 2; ++d2) {
            const std::size_t j = i + d1 + 1;
            if (c.digits(j, d2) && date_separator(c.at(j + d2)) && c.digits(j + d2 + 1, 2)) return true;
        }
    }
    if (auto j = c.digits(i, 4); j && c.at(*j) == '-' && c.digits(*j + 1, 2) && c.at(*j + 3) == '-' && c.digits(*j + 4, 2)) return true;
    for (std::size_t d1 = 1; d1 <= 2; ++d1) {
        if (!c.digits(i, d1)) continue;
        std::size_t j = i + d1;
        for (int with_suffix = 1; with_suffix >= 0; --with_suffix) {
            std::size_t k = j;
            if (with_suffix) {
                std::optional<std::size_t> after;
                for (std::string_view s : {"st", "nd", "rd", "th"})
                    if (!after) after = c.literal(k, s);
                if (!after) continue;
                k = *after;
            }
            if (c.at(k) != ' ') continue;
            ++k;
            bool month = false;
            for (auto m : kMonths) month = month || c.literal(k, m).has_value();
            if (!month) continue;
            k += 3;
            while (c.is(k, letter)) ++k;
            if (c.at(k) == ' ' && c.digits(k + 1, 4)) return true;
        }
    }
    return false;
}

// \b(born|d\.?o\.?b\.?|date of birth|birthday)\b, in any case.
bool birth_at(const cursor& c, std::size_t i)
{
    if (!c.boundary(i)) return false;
    for (std::string_view w : {"born", "date of birth", "birthday"})
        if (auto j = c.literal(i, w); j && c.boundary(*j)) return true;
    std::size_t j = i;
    for (char ch : {'d', 'o', 'b'}) {
        if (j > i && c.at(j) == '.') ++j;
        if (fold(c.at(j)) != ch) return false;
        ++j;
    }
    return c.boundary(j) || (c.at(j) == '.' && c.boundary(j + 1));
}

// \b(name|child|surname|forename)\s*[:=], in any case;
// or \b(named|called|[Mm]r|[Mm]rs|[Mm]s|[Mm]iss)\.?\s+[A-Z][a-z], the title's first letter in either case.
bool name_at(const cursor& c, std::size_t i)
{
    if (!c.boundary(i)) return false;
    for (std::string_view w : {"name", "child", "surname", "forename"})
        if (auto j = c.literal(i, w)) {
            const std::size_t k = c.skip_spaces(*j);
            if (c.at(k) == ':' || c.at(k) == '=') return true;
        }
    auto titled = [&](std::size_t j) {
        if (c.at(j) == '.') ++j;
        if (!c.is(j, space)) return false;
        j = c.skip_spaces(j);
        return c.is(j, upper) && c.is(j + 1, lower);
    };
    for (std::string_view w : {"named", "called"})
        if (auto j = c.literal(i, w, false); j && titled(*j)) return true;
    if (c.at(i) == 'M' || c.at(i) == 'm')
        for (std::string_view rest : {"r", "rs", "s", "iss"})
            if (auto j = c.literal(i + 1, rest, false); j && titled(*j)) return true;
    return false;
}

bool any_position(std::string_view text, bool (*at)(const cursor&, std::size_t))
{
    const cursor c{text};
    for (std::size_t i = 0; i < text.size(); ++i)
        if (at(c, i)) return true;
    return false;
}

} // namespace

bool has_full_postcode(std::string_view text)
{
    const cursor c{text};
    for (std::size_t i = 0; i < text.size(); ++i)
        if ((i == 0 || !alnum(text[i - 1])) && postcode_at(c, i)) return true;
    return false;
}

bool has_nhs_number(std::string_view text)
{
    const cursor c{text};
    for (std::size_t i = 0; i < text.size(); ++i)
        if ((i == 0 || !digit(text[i - 1])) && nhs_at(c, i)) return true;
    return false;
}

bool has_date(std::string_view text) { return any_position(text, date_at); }
bool has_birth_word(std::string_view text) { return any_position(text, birth_at); }
bool has_name(std::string_view text) { return any_position(text, name_at); }

std::optional<personal_kind> find_personal_data(std::string_view text)
{
    if (has_full_postcode(text)) return personal_kind::full_postcode;
    if (has_nhs_number(text)) return personal_kind::nhs_number;
    if (has_date(text)) return personal_kind::date;
    if (has_birth_word(text)) return personal_kind::birth_word;
    if (has_name(text)) return personal_kind::name;
    return std::nullopt;
}

bool is_postcode_district(std::string_view text)
{
    const cursor c{text};
    std::size_t i = 0;
    while (i < 2 && c.is(i, upper)) ++i;
    if (i == 0 || !c.is(i, digit)) return false;
    ++i;
    if (i < text.size() && (upper(text[i]) || digit(text[i]))) ++i;
    return i == text.size();
}

} // namespace dps::calloff
