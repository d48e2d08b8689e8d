// Uploads a demo council's shipped plugin (tenants/<slug>/plugin.lua with its fixtures.json) through
// the same path a tenant admin uses, for stories that need the councils' real rules.
#pragma once

#include "core/result.hpp"

#include <cstdint>
#include <string>

namespace dps::app { class application; }

namespace dps::test {

// A whole text file, or "" if it cannot be read.
std::string read_text_file(const std::string& path);

status upload_shipped_plugin(app::application& app, std::int64_t tenant_id, const std::string& slug);

} // namespace dps::test
