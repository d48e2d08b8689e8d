// Tests for the platform defaults (an empty plugin) and for installing, versioning and removing plugins.
#include "test_support.hpp"

namespace dps::plugins {
namespace {

using test::object;

class EmptyPlugin : public ::testing::Test {
protected:
    void SetUp() override { test::install(host_, "empty", "return {}"); }
    plugin_host host_;
};

TEST_F(EmptyPlugin, LotsDefaultToNone)
{
    auto lots = host_.lots("empty");
    ASSERT_TRUE(lots.ok());
    EXPECT_TRUE(lots->empty());
}

TEST_F(EmptyPlugin, FeeDefaultsToZeroAndNoticeToSixMonths)
{
    auto fee = host_.annual_fee("empty", object(R"({"code":"lot2"})"), object("{}"));
    ASSERT_TRUE(fee.ok());
    EXPECT_EQ(*fee, 0);
    auto notice = host_.termination_notice("empty", object("{}"));
    ASSERT_TRUE(notice.ok());
    EXPECT_EQ(*notice, 6);
}

TEST_F(EmptyPlugin, RouteDefaultsToTheBudgetHolder)
{
    auto route = host_.approval_route("empty", object(R"({"value_pence": 90000000, "kind": "award"})"));
    ASSERT_TRUE(route.ok());
    ASSERT_EQ(route->size(), 1u);
    EXPECT_EQ((*route)[0].authority, "budget_holder");
}

TEST_F(EmptyPlugin, EveryoneIsEligible)
{
    auto verdict = host_.eligible("empty", object(R"({"name":"A"})"), object(R"({"code":"lot1"})"));
    ASSERT_TRUE(verdict.ok());
    EXPECT_TRUE(verdict->eligible);
    EXPECT_TRUE(verdict->reason.empty());
}

TEST_F(EmptyPlugin, CheaperBidScoresHigher)
{
    auto cheap = host_.score_bid("empty", object(R"({"total_pence": 100000})"), object("{}"));
    auto dear = host_.score_bid("empty", object(R"({"total_pence": 250000})"), object("{}"));
    ASSERT_TRUE(cheap.ok() && dear.ok());
    EXPECT_GT(*cheap, *dear);
    auto missing = host_.score_bid("empty", object(R"({"total_pence": 12.5})"), object("{}"));
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.err().code, "plugin_error");
}

TEST_F(EmptyPlugin, RateIsUnchangedSpendAuthorityNoneDiscountZero)
{
    auto rate = host_.rate_uplift("empty", object(R"({"hourly_rate_pence": 1850})"), "2025-04-01");
    ASSERT_TRUE(rate.ok());
    EXPECT_EQ(*rate, 1850);
    auto authority = host_.spend_authority("empty");
    ASSERT_TRUE(authority.ok());
    EXPECT_FALSE(authority->has_value());
    auto discount = host_.max_block_discount_percent("empty");
    ASSERT_TRUE(discount.ok());
    EXPECT_EQ(*discount, 0);
}

TEST_F(EmptyPlugin, DefaultsNeedNoLuaCall)
{
    ASSERT_TRUE(host_.annual_fee("empty", object("{}"), object("{}")).ok());
    EXPECT_EQ(host_.stats().calls, 0u);
    EXPECT_EQ(host_.stats().state_builds, 0u);
}

TEST_F(EmptyPlugin, BadDateIsTheCallersError)
{
    auto rate = host_.rate_uplift("empty", object(R"({"hourly_rate_pence": 1850})"), "1 April 2025");
    ASSERT_FALSE(rate.ok());
    EXPECT_EQ(rate.err().kind, error_kind::bad_request);
}

TEST(PluginInstall, TenantWithoutPluginIsNotFound)
{
    plugin_host host;
    auto fee = host.annual_fee("nobody", {}, {});
    ASSERT_FALSE(fee.ok());
    EXPECT_EQ(fee.err().kind, error_kind::not_found);
    EXPECT_EQ(fee.err().code, "plugin_not_installed");
}

TEST(PluginInstall, InfoCarriesHooksHashAndIncreasingVersions)
{
    plugin_host host;
    auto first = host.install("t", "return { annual_fee = function() return 1 end }", "t.lua");
    auto second = host.install("t", "return { annual_fee = function() return 2 end, lots = function() return {} end }",
                               "t.lua");
    ASSERT_TRUE(first.ok() && second.ok());
    EXPECT_LT(first->version, second->version);
    EXPECT_NE(first->hash, second->hash);
    EXPECT_EQ(first->hooks, std::vector<std::string>{"annual_fee"});
    EXPECT_EQ(second->hooks, (std::vector<std::string>{"lots", "annual_fee"}));
    auto fee = host.annual_fee("t", {}, {});
    ASSERT_TRUE(fee.ok());
    EXPECT_EQ(*fee, 2);
    ASSERT_TRUE(host.info("t").has_value());
    EXPECT_EQ(host.info("t")->version, second->version);
}

TEST(PluginInstall, UninstallRemovesThePlugin)
{
    plugin_host host;
    test::install(host, "t", "return { annual_fee = function() return 1 end }");
    ASSERT_TRUE(host.annual_fee("t", {}, {}).ok());
    EXPECT_TRUE(host.uninstall("t"));
    EXPECT_FALSE(host.uninstall("t"));
    EXPECT_EQ(host.annual_fee("t", {}, {}).err().code, "plugin_not_installed");
}

TEST(PluginInstall, RejectsBadShapes)
{
    plugin_host host;
    struct bad {
        const char* source;
        const char* message;
    };
    const bad cases[] = {
        {"return 42", "must return a table of hooks"},
        {"return { anual_fee = function() return 1 end }", "unknown hook 'anual_fee'"},
        {"return { annual_fee = 315000 }", "hook 'annual_fee' must be a function"},
        {"return {\n annual_fee = function()\n return 1 +\n end }", "syntax error"},
        {"error('refusing to load')", "refusing to load"},
        {"\x1bLua\x54\x00", "attempt to load a binary chunk"},
    };
    for (const auto& c : cases) {
        auto installed = host.install("bad", c.source, "bad.lua");
        ASSERT_FALSE(installed.ok()) << c.source;
        EXPECT_EQ(installed.err().code, "plugin_error");
        EXPECT_EQ(installed.err().kind, error_kind::unprocessable);
        EXPECT_NE(installed.err().message.find(c.message), std::string::npos) << installed.err().message;
        EXPECT_NE(installed.err().message.find("tenant 'bad'"), std::string::npos) << installed.err().message;
    }
    EXPECT_FALSE(host.info("bad").has_value());
}

TEST(PluginInstall, RejectsBadTenantNamesAndOversizedSources)
{
    plugin_host host(plugin_limits{.max_source_bytes = 64});
    EXPECT_EQ(host.install("Bad Name", "return {}", "x.lua").err().code, "invalid_tenant");
    auto big = host.install("big", "return {}" + std::string(100, ' '), "big.lua");
    ASSERT_FALSE(big.ok());
    EXPECT_NE(big.err().message.find("more than the limit"), std::string::npos);
}

TEST(PluginInstall, InstallFileLabelsErrorsWithThePath)
{
    plugin_host host;
    auto missing = host.install_file("t", "/nonexistent/plugin.lua");
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.err().code, "plugin_file_missing");
}

} // namespace
} // namespace dps::plugins
