// Package fields and the personal-data checks on every text in them.
#include "calloff/anonymity.hpp"

#include "calloff/personal_data.hpp"
#include "plugins/iso_date.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <array>

namespace dps::calloff {
namespace {

error personal(const std::string& field, const std::string& why)
{
    return make_error(error_kind::bad_request, "personal_data",
                      field + ": " + why + "; call-off packages go to every admitted provider and must be anonymised");
}

const std::array<std::string_view, 7> kFields{"category", "hours_per_week", "placement_type", "area", "start_date", "duration_weeks",
                                              "requirements"};
// Field names that can only hold identifying data: refused by name, with the reason.
const std::array<std::pair<std::string_view, std::string_view>, 14> kIdentifying{{
    {"name", "a name"}, {"child_name", "a name"}, {"first_name", "a name"}, {"last_name", "a name"}, {"surname", "a name"},
    {"full_name", "a name"}, {"date_of_birth", "a date of birth"}, {"dob", "a date of birth"}, {"birth_date", "a date of birth"},
    {"postcode", "a postcode (give 'area', the postcode district)"}, {"address", "an address"},
    {"nhs_number", "an NHS number"}, {"age", "an exact age (give needs, not identifying details)"},
    {"email", "contact details"},
}};

// No text in a package may exceed this, checked before any scanning: the largest field
// (requirements) allows 8,000 characters in all.
constexpr std::size_t kLongestText = 8000;

std::optional<error> check_text(const std::string& field, const std::string& text)
{
    if (text.size() > kLongestText) return invalid(field, "at most " + std::to_string(kLongestText) + " characters");
    const auto found = find_personal_data(text);
    if (!found) return std::nullopt;
    switch (*found) {
    case personal_kind::full_postcode: return personal(field, "holds a full postcode; give the postcode district only (e.g. 'E15')");
    case personal_kind::nhs_number: return personal(field, "holds what looks like an NHS number");
    case personal_kind::date:
    case personal_kind::birth_word: return personal(field, "holds a date or a date of birth; describe needs and the start date only");
    case personal_kind::name: return personal(field, "holds what looks like a person's name");
    }
    return std::nullopt;
}

std::optional<error> check_value(const std::string& field, const boost::json::value& v)
{
    if (v.is_string()) return check_text(field, std::string(v.get_string()));
    if (v.is_array()) {
        std::size_t i = 0;
        for (const auto& item : v.get_array())
            if (auto e = check_value(field + "[" + std::to_string(i++) + "]", item)) return e;
    }
    if (v.is_object())
        for (const auto& kv : v.get_object())
            if (auto e = check_value(field + "." + std::string(kv.key()), kv.value())) return e;
    return std::nullopt;
}

} // namespace

result<package> read_package(const boost::json::object& body)
{
    for (const auto& kv : body) {
        const std::string key{kv.key()};
        for (const auto& [name, what] : kIdentifying)
            if (key == name) return personal("package." + key, "would carry " + std::string{what});
        if (std::find(kFields.begin(), kFields.end(), key) == kFields.end())
            return invalid("package." + key, "not a package field (category, hours_per_week, placement_type, area, start_date, "
                                             "duration_weeks, requirements)");
    }
    // Lengths before any scanning, so no scanner ever sees more than a field may hold.
    if (const auto* req = body.if_contains("requirements"); req && boost::json::serialize(*req).size() > kLongestText)
        return invalid("package.requirements", "at most 8000 characters");
    // Identifying data first, wherever it is: the message must say it is personal data, not just malformed.
    for (const auto& kv : body)
        if (std::string{kv.key()} != "start_date")
            if (auto e = check_value("package." + std::string(kv.key()), kv.value())) return *e;

    package p;
    auto text = [&](const char* field, std::size_t max) -> result<std::string> {
        const auto* v = body.if_contains(field);
        if (!v || !v->is_string() || v->get_string().empty() || v->get_string().size() > max)
            return invalid(std::string{"package."} + field, "a string of 1 to " + std::to_string(max) + " characters is required");
        return std::string(v->get_string());
    };
    auto category = text("category", 100);
    if (!category) return category.err();
    p.category = *category;
    auto area = text("area", 8);
    if (!area) return area.err();
    if (!is_postcode_district(*area))
        return invalid("package.area", "a postcode district in capitals, e.g. 'E15' (the outward code only)");
    p.area = *area;
    auto start = text("start_date", 10);
    if (!start) return start.err();
    if (!plugins::parse_service_date(*start)) return invalid("package.start_date", plugins::service_date_rule());
    p.start_date = *start;
    const auto* weeks = body.if_contains("duration_weeks");
    if (!weeks || !weeks->is_int64() || weeks->as_int64() < 1 || weeks->as_int64() > 520)
        return invalid("package.duration_weeks", "a whole number of weeks from 1 to 520 is required");
    p.duration_weeks = weeks->as_int64();
    const auto* hours = body.if_contains("hours_per_week");
    const auto* type = body.if_contains("placement_type");
    if (hours && !hours->is_null()) {
        if (!hours->is_int64() || hours->as_int64() < 1 || hours->as_int64() > 168)
            return invalid("package.hours_per_week", "a whole number of hours from 1 to 168");
        p.hours_per_week = hours->as_int64();
    }
    if (type && !type->is_null()) {
        if (!type->is_string() || type->get_string().empty() || type->get_string().size() > 100)
            return invalid("package.placement_type", "a string of 1 to 100 characters");
        p.placement_type = std::string(type->get_string());
    }
    if (!p.hours_per_week && !p.placement_type)
        return invalid("package", "give hours_per_week (care by the hour) or placement_type (a placement)");
    const auto* req = body.if_contains("requirements");
    if (!req || !(req->is_string() || req->is_array()))
        return invalid("package.requirements", "the needs, as a text or a list of texts, are required");
    if (req->is_array())
        for (const auto& item : req->get_array())
            if (!item.is_string()) return invalid("package.requirements", "each requirement is a text");
    if (boost::json::serialize(*req).size() > 8000) return invalid("package.requirements", "at most 8000 characters");
    p.requirements = *req;
    return p;
}

boost::json::object to_json(const package& p)
{
    boost::json::object o{{"category", p.category}, {"area", p.area}, {"start_date", p.start_date},
                          {"duration_weeks", p.duration_weeks}, {"requirements", p.requirements}};
    o["hours_per_week"] = p.hours_per_week ? boost::json::value(*p.hours_per_week) : boost::json::value(nullptr);
    o["placement_type"] = p.placement_type ? boost::json::value(*p.placement_type) : boost::json::value(nullptr);
    return o;
}

} // namespace dps::calloff
