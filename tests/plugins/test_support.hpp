// Helpers shared by the plugin host tests: JSON literals and one-line plugin installs.
#pragma once

#include "plugins/plugin_host.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace dps::plugins::test {

inline boost::json::object object(const char* json)
{
    return boost::json::parse(json).as_object();
}

inline std::filesystem::path tenants_dir()
{
    return std::filesystem::path(DPS_SOURCE_DIR) / "tenants";
}

// Installs `source` as tenant `tenant` from a pretend file "<tenant>.lua"; fails the test on error.
inline void install(plugin_host& host, const std::string& tenant, const std::string& source)
{
    auto installed = host.install(tenant, source, tenant + ".lua");
    ASSERT_TRUE(installed.ok()) << installed.err().message;
}

// Asserts the error is a plugin_error naming the tenant, the hook and (when given) file:line.
inline void expect_plugin_error(const dps::error& e, const std::string& tenant, const std::string& hook,
                                const std::string& file_line = {})
{
    EXPECT_EQ(e.code, "plugin_error") << e.message;
    EXPECT_NE(e.message.find("tenant '" + tenant + "'"), std::string::npos) << e.message;
    EXPECT_NE(e.message.find("hook " + hook), std::string::npos) << e.message;
    if (!file_line.empty()) {
        EXPECT_NE(e.message.find(file_line), std::string::npos) << e.message;
    }
}

} // namespace dps::plugins::test
