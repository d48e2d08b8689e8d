// Call-off packages go to every admitted provider, so they must not identify a child: the package
// holds only known fields, and no value may carry a name, a date of birth, a full postcode or an
// NHS number. The error names the field and says what to give instead, never echoing the data.
#pragma once

#include "core/result.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace dps::calloff {

// The anonymised package as stored: the fields a call-off needs, checked.
struct package {
    std::string category;                 // e.g. "residential", "home care"
    std::optional<std::int64_t> hours_per_week;
    std::optional<std::string> placement_type;
    std::string area;                     // a postcode district, e.g. "E15"
    std::string start_date;               // 'YYYY-MM-DD'
    std::int64_t duration_weeks = 0;
    boost::json::value requirements;      // free text or a list of free texts
};

// Parses and checks a package; a 400 naming the field (code "personal_data" for identifying data).
result<package> read_package(const boost::json::object& body);

boost::json::object to_json(const package& p);

} // namespace dps::calloff
