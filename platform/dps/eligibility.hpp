// Whether a provider meets a lot's own requirements (regulator registration, minimum rating, living
// wage, insurance): the checks an application runs before the lead's `eligible` hook. No database.
#pragma once

#include "dps/dps_records.hpp"

#include <boost/json/array.hpp>

#include <string>

namespace dps::purchasing {

// The lot's own requirements, checked against the provider's profile on `today` (YYYY-MM-DD): one
// {"criterion", "passed", "detail"} object per requirement the lot sets (insurance also when the
// profile records any).
boost::json::array check_requirements(const lot& l, const provider_profile& p, const std::string& today);

} // namespace dps::purchasing
