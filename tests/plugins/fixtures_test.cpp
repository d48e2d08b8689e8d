// Tests that each shipped tenant plugin passes its fixtures, and that the fixture runner and
// check_plugin report failures rather than passing them.
#include "plugins/plugin_check.hpp"
#include "test_support.hpp"

#include <algorithm>
#include <fstream>

namespace dps::plugins {
namespace {

using test::tenants_dir;

class ShippedTenant : public ::testing::TestWithParam<std::string> {};

TEST_P(ShippedTenant, PassesItsFixtures)
{
    auto report = run_fixtures(tenants_dir() / GetParam());
    ASSERT_TRUE(report.ok()) << report.err().message;
    EXPECT_EQ(report->tenant, GetParam());
    EXPECT_GE(report->cases.size(), 5u);
    EXPECT_EQ(report->failed(), 0u) << format_report(*report);
    EXPECT_TRUE(report->ok());
}

TEST_P(ShippedTenant, PassesCheckPlugin)
{
    auto report = check_plugin(tenants_dir() / GetParam() / "plugin.lua");
    ASSERT_TRUE(report.ok()) << report.err().message;
    EXPECT_EQ(report->plugin.tenant, GetParam());
    EXPECT_FALSE(report->lots.empty());
    EXPECT_NE(format_check(*report).find("is valid"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Tenants, ShippedTenant,
                         ::testing::Values("newham", "waltham-forest", "cambridgeshire", "peterborough", "haringey"),
                         [](const auto& param_info) {
                             std::string name = param_info.param;
                             std::replace(name.begin(), name.end(), '-', '_');
                             return name;
                         });

TEST(ShippedPlugins, HaringeyRouteThresholdsThroughTheHost)
{
    plugin_host host;
    ASSERT_TRUE(host.install_file("haringey", tenants_dir() / "haringey" / "plugin.lua").ok());
    auto route_for = [&](std::int64_t pence) {
        boost::json::object award{{"value_pence", pence}, {"kind", "award"}};
        auto route = host.approval_route("haringey", award);
        EXPECT_TRUE(route.ok());
        return route.ok() ? *route : std::vector<approval_step>{};
    };
    const auto low = route_for(45'000'000);
    ASSERT_EQ(low.size(), 1u);
    EXPECT_EQ(low[0].authority, "director_childrens_services");
    EXPECT_TRUE(low[0].in_consultation_with.empty());
    const auto mid = route_for(75'000'000);
    ASSERT_EQ(mid.size(), 1u);
    EXPECT_EQ(mid[0].authority, "director_childrens_services");
    EXPECT_EQ(mid[0].in_consultation_with, std::vector<std::string>{"lead_member"});
    const auto high = route_for(90'000'000);
    ASSERT_EQ(high.size(), 1u);
    EXPECT_EQ(high[0].authority, "cabinet");
}

TEST(ShippedPlugins, NewhamFeeAndNoticeGiveWalthamForestsFigures)
{
    plugin_host host;
    ASSERT_TRUE(host.install_file("newham", tenants_dir() / "newham" / "plugin.lua").ok());
    const boost::json::object agreement{{"partner", "waltham-forest"}};
    pence total = 0;
    for (const char* lot : {"lot2", "lot4"}) {
        auto fee = host.annual_fee("newham", boost::json::object{{"code", lot}}, agreement);
        ASSERT_TRUE(fee.ok()) << fee.err().message;
        total += *fee;
    }
    EXPECT_EQ(total, 630000); // 6,300 pounds a year
    auto notice = host.termination_notice("newham", agreement);
    ASSERT_TRUE(notice.ok());
    EXPECT_EQ(*notice, 6);
}

TEST(ShippedPlugins, PeterboroughSpendAuthority)
{
    plugin_host host;
    ASSERT_TRUE(host.install_file("peterborough", tenants_dir() / "peterborough" / "plugin.lua").ok());
    auto authority = host.spend_authority("peterborough");
    ASSERT_TRUE(authority.ok()) << authority.err().message;
    ASSERT_TRUE(authority->has_value());
    EXPECT_EQ((*authority)->limit_pence, 31'000'000);
    EXPECT_EQ((*authority)->from, "2021-04-01");
    EXPECT_EQ((*authority)->to, "2023-03-01");
}

TEST(ShippedPlugins, PartnerMappingIsCheckedAgainstTheLeadLots)
{
    const std::vector<std::string> wrong_lead{"lot1", "lot3"};
    auto report = check_plugin(tenants_dir() / "waltham-forest" / "plugin.lua", check_options{wrong_lead, {}});
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(report.err().code, "plugin_error");
    EXPECT_NE(report.err().message.find("maps to 'lot2'"), std::string::npos) << report.err().message;
    EXPECT_NE(report.err().message.find("hook lots"), std::string::npos) << report.err().message;

    const std::vector<std::string> right_lead{"lot2", "lot4"};
    auto ok = check_plugin(tenants_dir() / "waltham-forest" / "plugin.lua", check_options{right_lead, {}});
    ASSERT_TRUE(ok.ok()) << ok.err().message;
    EXPECT_TRUE(ok->maps_to_verified);
}

class FixtureRunner : public ::testing::Test {
protected:
    void SetUp() override
    {
        dir_ = std::filesystem::temp_directory_path() /
               ("dps-fixtures-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::create_directories(dir_ / "demo");
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / "demo" / name) << text; }
    std::filesystem::path dir_;
};

TEST_F(FixtureRunner, ReportsAWrongExpectation)
{
    write("plugin.lua", "return { annual_fee = function(lot, agreement) return 100 end }\n");
    write("fixtures.json", R"({"cases": [
        {"name": "right", "hook": "annual_fee", "args": [{}, {}], "expect": 100},
        {"name": "wrong", "hook": "annual_fee", "args": [{}, {}], "expect": 101},
        {"name": "error expected", "hook": "annual_fee", "args": [{}, {}], "expect_error": "boom"}
    ]})");
    auto report = run_fixtures(dir_ / "demo");
    ASSERT_TRUE(report.ok()) << report.err().message;
    EXPECT_EQ(report->tenant, "demo");
    ASSERT_EQ(report->cases.size(), 3u);
    EXPECT_TRUE(report->cases[0].passed);
    EXPECT_FALSE(report->cases[1].passed);
    EXPECT_NE(report->cases[1].message.find("expected 101"), std::string::npos) << report->cases[1].message;
    EXPECT_FALSE(report->cases[2].passed);
    EXPECT_FALSE(report->ok());
    EXPECT_NE(format_report(*report).find("1 passed, 2 failed"), std::string::npos);
}

TEST_F(FixtureRunner, MalformedFixturesAreAnError)
{
    write("plugin.lua", "return {}\n");
    write("fixtures.json", "{\"cases\": 3}");
    auto report = run_fixtures(dir_ / "demo");
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(report.err().code, "fixtures_invalid");
}

TEST_F(FixtureRunner, BrokenPluginIsAnErrorNamingTheFileAndLine)
{
    write("plugin.lua", "return {\n  annual_fee = function(lot)\n    return 1 +\n  end\n}\n");
    write("fixtures.json", R"({"cases": [{"hook": "annual_fee", "args": [{}, {}], "expect": 1}]})");
    auto report = run_fixtures(dir_ / "demo");
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(report.err().code, "plugin_error");
    EXPECT_NE(report.err().message.find("syntax error"), std::string::npos) << report.err().message;
    EXPECT_NE(report.err().message.find("plugin.lua:4:"), std::string::npos) << report.err().message;
}

} // namespace
} // namespace dps::plugins

// Issue 15, defect 5: an upload's fixtures were unbounded; 100 looping cases held a shared worker for seconds.
namespace dps::plugins {
namespace {

boost::json::value cases_of(std::size_t n, const std::string& hook)
{
    boost::json::array cases;
    for (std::size_t i = 0; i < n; ++i)
        cases.push_back(boost::json::object{{"name", "case " + std::to_string(i)}, {"hook", hook},
                                            {"args", boost::json::array{boost::json::object{{"value_pence", 1}, {"kind", "award"}}}},
                                            {"expect", boost::json::array{}}});
    return boost::json::object{{"cases", cases}};
}

const char* kLooping = R"(
local plugin = {}
function plugin.lots() return {{code = "lot1", name = "Lot 1", requirements = {}}} end
function plugin.approval_route(award) while true do end end
return plugin
)";

TEST(FixtureLimits, TooManyCasesAreRefusedBeforeAnyRuns)
{
    plugin_limits limits;
    auto report = run_fixture_document("looper", kLooping, "looper.lua", cases_of(limits.max_fixture_cases + 1, "approval_route"), {}, limits);
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(report.err().code, "fixtures_invalid");
    EXPECT_NE(report.err().message.find("at most 200 cases"), std::string::npos) << report.err().message;
}

TEST(FixtureLimits, CasesThatUseTheirWholeBudgetStopAtTheUploadsTimeLimit)
{
    plugin_limits limits;
    limits.instructions = 4'000'000'000; // the wall time is each call's binding limit: 50 ms
    limits.wall_time = std::chrono::milliseconds{50};
    limits.fixtures_wall_time = std::chrono::milliseconds{500};
    auto report = run_fixture_document("looper", kLooping, "looper.lua", cases_of(100, "approval_route"), {}, limits);
    ASSERT_FALSE(report.ok()) << "100 cases of 50 ms each cannot all run in 500 ms";
    EXPECT_EQ(report.err().code, "fixtures_too_slow");
    EXPECT_NE(report.err().message.find("of 100"), std::string::npos) << report.err().message;
}

} // namespace
} // namespace dps::plugins
