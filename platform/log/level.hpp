// Log levels on their own, so that settings can name one without pulling in Boost.JSON.
#pragma once

#include <optional>
#include <string_view>

namespace dps::log {

enum class level { debug, info, warn, error };

// "debug", "info", "warn", "error" (DPS_LOG_LEVEL); anything else is nullopt.
std::optional<level> parse_level(std::string_view text);
const char* level_name(level lvl);

} // namespace dps::log
