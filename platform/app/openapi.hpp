// The OpenAPI 3.1 document (docs/openapi.yaml) built into the binary, and its JSON form: served by
// GET /v1/openapi.yaml and /v1/openapi.json, so that the API a dpsd describes is the one it runs.
#pragma once

#include <string>

namespace dps::app {

const std::string& openapi_yaml();
const std::string& openapi_json();

} // namespace dps::app
