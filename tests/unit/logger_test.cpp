// Log lines: every one is JSON with its level and an ISO 8601 UTC time with milliseconds; the minimum
// level drops lower lines (the access line is info); the access line names the route template and tenant.
#include "log/logger.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

using namespace dps;

namespace {

// Captures every line and puts the logger back as it found it.
struct captured_log {
    captured_log()
    {
        log::set_sink([this](std::string_view line) { lines.emplace_back(line); });
    }
    ~captured_log()
    {
        log::set_sink(nullptr);
        log::set_minimum(log::level::info);
    }
    std::vector<std::string> lines;
};

log::access_record sample_access()
{
    return {.method = "GET", .path = "/v1/call-offs/42", .request_id = "r1", .remote = "127.0.0.1",
            .route = "/v1/call-offs/{call_off_id}", .tenant = "newham", .status = 200, .bytes = 10, .duration_us = 5};
}

} // namespace

TEST(Logger, EveryLineHasItsLevelAndAnIsoUtcTimeWithMilliseconds)
{
    captured_log log_lines;
    log::set_minimum(log::level::debug);
    log::debug("probe_debug", {{"n", 1}});
    log::info("probe_info");
    log::warn("probe_warn");
    log::error("probe_error");
    log::access(sample_access());
    ASSERT_EQ(log_lines.lines.size(), 5u);
    const std::regex iso_utc_ms(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)");
    const std::vector<std::string> levels{"debug", "info", "warn", "error", "info"};
    for (std::size_t i = 0; i < log_lines.lines.size(); ++i) {
        auto line = boost::json::parse(log_lines.lines[i]).as_object();
        EXPECT_EQ(line.at("level"), levels[i].c_str()) << log_lines.lines[i];
        const std::string ts{line.at("ts").as_string()};
        EXPECT_TRUE(std::regex_match(ts, iso_utc_ms)) << ts;
        EXPECT_TRUE(line.contains("event"));
    }
}

TEST(Logger, TheMinimumLevelDropsLowerLines)
{
    captured_log log_lines;
    log::set_minimum(log::level::warn);
    EXPECT_EQ(log::minimum(), log::level::warn);
    log::debug("dropped_debug");
    log::info("dropped_info");
    log::access(sample_access()); // info: dropped too
    log::warn("kept_warn");
    log::error("kept_error");
    ASSERT_EQ(log_lines.lines.size(), 2u);
    EXPECT_NE(log_lines.lines[0].find("kept_warn"), std::string::npos);
    EXPECT_NE(log_lines.lines[1].find("kept_error"), std::string::npos);

    log::set_minimum(log::level::error);
    log::warn("dropped_warn");
    EXPECT_EQ(log_lines.lines.size(), 2u);

    log::set_minimum(log::level::info);
    log::debug("dropped_again");
    log::info("kept_info");
    ASSERT_EQ(log_lines.lines.size(), 3u);
    EXPECT_NE(log_lines.lines[2].find("kept_info"), std::string::npos);
}

TEST(Logger, TheAccessLineNamesTheRouteTemplateAndTheTenant)
{
    captured_log log_lines;
    log::access(sample_access());
    auto unmatched = sample_access();
    unmatched.route = "-";
    unmatched.tenant = "";
    unmatched.path = "/nowhere/\"quoted\"\n";
    log::access(unmatched);
    ASSERT_EQ(log_lines.lines.size(), 2u);
    auto line = boost::json::parse(log_lines.lines[0]).as_object();
    EXPECT_EQ(line.at("event"), "access");
    EXPECT_EQ(line.at("path"), "/v1/call-offs/42");
    EXPECT_EQ(line.at("route"), "/v1/call-offs/{call_off_id}");
    EXPECT_EQ(line.at("tenant"), "newham");
    EXPECT_EQ(line.at("status"), 200);
    auto other = boost::json::parse(log_lines.lines[1]).as_object(); // still JSON whatever the path holds
    EXPECT_EQ(other.at("route"), "-");
    EXPECT_FALSE(other.contains("tenant")) << "no tenant, no field";
    EXPECT_EQ(other.at("path"), "/nowhere/\"quoted\"\n");
}

TEST(Logger, LevelNamesParseBothWays)
{
    for (auto lvl : {log::level::debug, log::level::info, log::level::warn, log::level::error})
        EXPECT_EQ(log::parse_level(log::level_name(lvl)), lvl);
    EXPECT_FALSE(log::parse_level("Info").has_value());
    EXPECT_FALSE(log::parse_level("").has_value());
}
