// Values of the rules module: one stored version of a tenant's plugin.
#pragma once

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace dps::rules {

struct plugin_version {
    std::int64_t id = 0;
    std::int64_t tenant_id = 0;
    int version = 0;
    std::string file_name, source_sha256, uploaded_by, uploaded_at, status;
    std::optional<std::string> activated_at;
};
boost::json::value to_json(const plugin_version& v);

} // namespace dps::rules
