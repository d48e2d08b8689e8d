// Scanners for identifying data in free text: full postcodes, NHS numbers, dates, birth words and
// names. Hand-written and linear in the text's length, with no recursion: libstdc++'s std::regex
// recursed once per character on `\s*` and a long run of spaces overflowed a worker's stack (issue 15).
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace dps::calloff {

enum class personal_kind { full_postcode, nhs_number, date, birth_word, name };

// The first kind of identifying data found in text, checked in the order above.
std::optional<personal_kind> find_personal_data(std::string_view text);

bool has_full_postcode(std::string_view text); // "E15 4HT", "SW1A1AA", not bounded by letters or digits
bool has_nhs_number(std::string_view text);    // ten digits, as 3-3-4 with optional spaces or hyphens
bool has_date(std::string_view text);          // 12/03/2015, 2015-03-12, 12th March 2015
bool has_birth_word(std::string_view text);    // born, dob, d.o.b., date of birth, birthday
bool has_name(std::string_view text);          // "Name: …", "child = …", "called Jane", "Mrs. Smith"

// A postcode district alone, in capitals: "E15", "SW1A", "CB4".
bool is_postcode_district(std::string_view text);

} // namespace dps::calloff
