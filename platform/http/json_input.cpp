// Field readers for request bodies.
#include "http/json_input.hpp"

#include <boost/json.hpp>

#include <charconv>

namespace dps::http {

error invalid_field(std::string_view field, const std::string& why) { return invalid(field, why); }

result<const boost::json::object*> object_with_fields(const boost::json::value& body,
                                                      std::initializer_list<std::string_view> allowed)
{
    const auto* o = body.if_object();
    if (!o) return make_error(error_kind::bad_request, "invalid_body", "the body must be a JSON object");
    for (const auto& kv : *o) {
        bool known = false;
        for (auto a : allowed) known = known || kv.key() == a;
        if (!known) {
            std::string list;
            for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string{a};
            return invalid_field(kv.key(), "unknown field; expected one of: " + list);
        }
    }
    return o;
}

result<std::string> required_string(const boost::json::object& o, std::string_view field, std::size_t min_length,
                                    std::size_t max_length)
{
    auto it = o.find(field);
    if (it == o.end()) return invalid_field(field, "is required");
    const auto* s = it->value().if_string();
    if (!s) return invalid_field(field, "must be a string");
    if (s->size() < min_length || s->size() > max_length)
        return invalid_field(field, "must be " + std::to_string(min_length) + " to " + std::to_string(max_length) + " characters");
    return std::string{s->c_str(), s->size()};
}

result<std::optional<std::string>> optional_string(const boost::json::object& o, std::string_view field, std::size_t max_length)
{
    auto it = o.find(field);
    if (it == o.end() || it->value().is_null()) return std::optional<std::string>{};
    auto s = required_string(o, field, 0, max_length);
    if (!s) return s.err();
    return std::optional<std::string>{std::move(*s)};
}

result<std::optional<std::int64_t>> optional_integer(const boost::json::object& o, std::string_view field, std::int64_t min,
                                                     std::int64_t max)
{
    auto it = o.find(field);
    if (it == o.end() || it->value().is_null()) return std::optional<std::int64_t>{};
    const auto& v = it->value();
    std::int64_t n = 0;
    if (v.is_int64()) n = v.get_int64();
    else if (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) n = static_cast<std::int64_t>(v.get_uint64());
    else return invalid_field(field, "must be a whole number");
    if (n < min || n > max) return invalid_field(field, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return std::optional<std::int64_t>{n};
}

result<std::int64_t> id_param(const std::string& text)
{
    std::int64_t id = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc{} || end != text.data() + text.size() || id <= 0)
        return make_error(error_kind::not_found, "not_found", "no such object");
    return id;
}

result<std::string> only_string(const boost::json::value& body, std::string_view field, std::size_t min_length, std::size_t max_length)
{
    auto o = object_with_fields(body, {field});
    if (!o) return o.err();
    return required_string(**o, field, min_length, max_length);
}

result<word_and_note> read_word_and_note(const boost::json::value& body, std::string_view word_field, std::size_t word_max,
                                         std::string_view note_field, std::size_t note_max)
{
    auto o = object_with_fields(body, {word_field, note_field});
    if (!o) return o.err();
    auto word = required_string(**o, word_field, 1, word_max);
    if (!word) return word.err();
    auto note = optional_string(**o, note_field, note_max);
    if (!note) return note.err();
    return word_and_note{*word, *note};
}

} // namespace dps::http
