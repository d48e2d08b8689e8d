// Subset matching of JSON values and JSON forms of the typed hook results.
#include "plugins/json_match.hpp"

#include <boost/json.hpp>

#include <cmath>

namespace dps::plugins::detail {

namespace {

bool as_number(const boost::json::value& value, double& out)
{
    if (value.is_int64())
        out = static_cast<double>(value.get_int64());
    else if (value.is_uint64())
        out = static_cast<double>(value.get_uint64());
    else if (value.is_double())
        out = value.get_double();
    else
        return false;
    return true;
}

bool matches_at(const boost::json::value& expected, const boost::json::value& actual, const std::string& path,
                std::string& where)
{
    double x = 0, y = 0;
    if (as_number(expected, x) && as_number(actual, y)) {
        if (std::fabs(x - y) <= 1e-9 * std::max(1.0, std::fabs(x)))
            return true;
    } else if (expected.is_object() && actual.is_object()) {
        for (const auto& field : expected.get_object()) {
            const std::string child = path + "." + std::string(field.key());
            const boost::json::value* found = actual.get_object().if_contains(field.key());
            if (!found) {
                where = child + " is missing";
                return false;
            }
            if (!matches_at(field.value(), *found, child, where))
                return false;
        }
        return true;
    } else if (expected.is_array() && actual.is_array()) {
        const auto& e = expected.get_array();
        const auto& a = actual.get_array();
        if (e.size() != a.size()) {
            where = path + " has " + std::to_string(a.size()) + " elements, expected " + std::to_string(e.size());
            return false;
        }
        for (std::size_t i = 0; i < e.size(); ++i)
            if (!matches_at(e[i], a[i], path + "[" + std::to_string(i) + "]", where))
                return false;
        return true;
    } else if (expected == actual) {
        return true;
    }
    where = path + " is " + boost::json::serialize(actual) + ", expected " + boost::json::serialize(expected);
    return false;
}

boost::json::array strings(const std::vector<std::string>& values)
{
    boost::json::array out;
    for (const auto& value : values)
        out.emplace_back(value);
    return out;
}

} // namespace

bool json_matches(const boost::json::value& expected, const boost::json::value& actual, std::string& where)
{
    return matches_at(expected, actual, "result", where);
}

boost::json::value to_json(const std::vector<lot_definition>& lots)
{
    boost::json::array out;
    for (const auto& lot : lots) {
        boost::json::object requirements;
        const auto& r = lot.requirements;
        if (r.regulator) requirements["regulator"] = *r.regulator;
        if (r.minimum_rating) requirements["minimum_rating"] = *r.minimum_rating;
        if (r.living_wage) requirements["living_wage"] = *r.living_wage;
        if (r.public_liability_pence) requirements["public_liability_pence"] = *r.public_liability_pence;
        if (r.employers_liability_pence) requirements["employers_liability_pence"] = *r.employers_liability_pence;
        requirements["other"] = strings(r.other);
        boost::json::object item{{"code", lot.code}, {"name", lot.name}, {"description", lot.description}};
        item["maps_to"] = lot.maps_to ? boost::json::value(*lot.maps_to) : boost::json::value(nullptr);
        item["requirements"] = std::move(requirements);
        out.emplace_back(std::move(item));
    }
    return out;
}

boost::json::value to_json(const std::vector<approval_step>& route)
{
    boost::json::array out;
    for (const auto& step : route)
        out.emplace_back(boost::json::object{{"authority", step.authority},
                                             {"in_consultation_with", strings(step.in_consultation_with)}});
    return out;
}

boost::json::value to_json(const eligibility& value)
{
    return boost::json::object{{"eligible", value.eligible}, {"reason", value.reason}};
}

boost::json::value to_json(const std::optional<spend_authority>& value)
{
    if (!value)
        return nullptr;
    boost::json::object out{{"limit_pence", value->limit_pence}, {"from", value->from}, {"to", value->to}};
    out["approved_by"] = value->approved_by ? boost::json::value(*value->approved_by) : boost::json::value(nullptr);
    return out;
}

} // namespace dps::plugins::detail
