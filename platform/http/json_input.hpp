// Reading fields from a JSON request body with errors that name the field.
// Every reader returns an error value (400, code "invalid_field") instead of throwing.
#pragma once

#include "core/result.hpp"

#include <boost/json/value.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace dps::http {

// The body must be an object holding only the listed fields: a typo is an error, not silently ignored.
result<const boost::json::object*> object_with_fields(const boost::json::value& body,
                                                      std::initializer_list<std::string_view> allowed);

result<std::string> required_string(const boost::json::object& o, std::string_view field, std::size_t min_length,
                                    std::size_t max_length);
result<std::optional<std::string>> optional_string(const boost::json::object& o, std::string_view field,
                                                   std::size_t max_length);
result<std::optional<std::int64_t>> optional_integer(const boost::json::object& o, std::string_view field,
                                                     std::int64_t min, std::int64_t max);

error invalid_field(std::string_view field, const std::string& why);

// A body holding one required string field and nothing else ({"given_on": "2027-04-01"}).
result<std::string> only_string(const boost::json::value& body, std::string_view field, std::size_t min_length, std::size_t max_length);

// A body naming a move and, optionally, why ({"action": "suspend", "reason": "…"},
// {"decision": "reject", "comment": "…"}): the word is required, the note optional, nothing else.
struct word_and_note {
    std::string word;
    std::optional<std::string> note;
};
result<word_and_note> read_word_and_note(const boost::json::value& body, std::string_view word_field, std::size_t word_max,
                                         std::string_view note_field, std::size_t note_max);

// A path parameter that must be a positive integer id; anything else is 404 (no such object).
result<std::int64_t> id_param(const std::string& text);

} // namespace dps::http
