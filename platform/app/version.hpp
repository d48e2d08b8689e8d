// The build's version, from CMake's project() version.
#pragma once

namespace dps::app {
inline constexpr const char* kVersion = DPS_VERSION;
}
