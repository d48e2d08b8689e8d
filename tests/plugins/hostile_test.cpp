// The hostile-script suite: loops, recursion, memory bombs and sandbox escapes must each end
// that call with a clear plugin_error, leave the state usable, and never touch another tenant.
#include "test_support.hpp"

#include <atomic>
#include <chrono>
#include <thread>

namespace dps::plugins {
namespace {

using test::expect_plugin_error;
using test::object;

// `annual_fee` (line 2) runs the attack named by lot.attack; `termination_notice` (line 3) is benign.
std::string hostile(const std::string& attack_body)
{
    return "local attacks = {}\n"
           "local function run(lot) return attacks[lot.attack](lot) end\n"
           "local function notice() return 4 end\n"
           "attacks.body = function(lot)\n" +
           attack_body +
           "\nend\n"
           "return { annual_fee = run, termination_notice = notice }\n";
}

class Hostile : public ::testing::Test {
protected:
    // Installs the attack, runs it, checks the benign hook still works on the same state.
    dps::error attack(const std::string& body)
    {
        EXPECT_TRUE(host_.install("hostile", hostile(body), "hostile.lua").ok());
        auto fee = host_.annual_fee("hostile", object(R"({"attack":"body"})"), {});
        EXPECT_FALSE(fee.ok()) << "the attack returned " << (fee.ok() ? std::to_string(*fee) : "");
        const auto builds = host_.stats().state_builds;
        auto notice = host_.termination_notice("hostile", {});
        EXPECT_TRUE(notice.ok()) << (notice.ok() ? "" : notice.err().message);
        if (notice.ok()) {
            EXPECT_EQ(*notice, 4);
        }
        EXPECT_EQ(host_.stats().state_builds, builds) << "the benign call needed a new state";
        return fee.ok() ? dps::error{} : fee.err();
    }
    plugin_host host_;
};

TEST_F(Hostile, InfiniteLoopIsStoppedByTheInstructionBudget)
{
    const auto start = std::chrono::steady_clock::now();
    const auto e = attack("while true do end");
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
    expect_plugin_error(e, "hostile", "annual_fee", "hostile.lua:2");
    EXPECT_EQ(e.kind, error_kind::internal);
    EXPECT_NE(e.message.find("instruction budget exceeded"), std::string::npos) << e.message;
    EXPECT_NE(e.message.find("stopped at hostile.lua:5"), std::string::npos) << e.message;
    EXPECT_EQ(host_.stats().limit_kills, 1u);
}

TEST_F(Hostile, LoopInsidePcallCannotSwallowTheKill)
{
    const auto e = attack("while true do pcall(function() while true do end end) end");
    EXPECT_NE(e.message.find("instruction budget exceeded"), std::string::npos) << e.message;
}

TEST_F(Hostile, LoopingErrorHandlerCannotSwallowTheKill)
{
    const auto e = attack("while true do xpcall(function() while true do end end, function() while true do end end) end");
    EXPECT_NE(e.message.find("instruction budget exceeded"), std::string::npos) << e.message;
}

TEST_F(Hostile, DeepRecursionIsContained)
{
    const auto e = attack("local function f(n) return 1 + f(n + 1) end\nreturn f(1)");
    expect_plugin_error(e, "hostile", "annual_fee");
    EXPECT_FALSE(e.message.empty());
    // Recursion through C functions hits Lua's C-stack guard instead.
    const auto through_c = attack("local function f() return select(2, pcall(f)) end\nreturn f()");
    expect_plugin_error(through_c, "hostile", "annual_fee");
    const auto through_sort = attack("local function f() table.sort({ 2, 1 }, function() f() return false end) end\nf()");
    expect_plugin_error(through_sort, "hostile", "annual_fee");
}

TEST_F(Hostile, TableGrowthHitsTheMemoryCeiling)
{
    const auto e = attack("local t = {}\nfor i = 1, math.maxinteger do t[i] = { i, i, i, i } end");
    expect_plugin_error(e, "hostile", "annual_fee");
    EXPECT_NE(e.message.find("memory limit exceeded"), std::string::npos) << e.message;
}

TEST_F(Hostile, StringDoublingHitsTheMemoryCeiling)
{
    const auto e = attack("local s = 'x'\nwhile true do s = s .. s end");
    EXPECT_NE(e.message.find("memory limit exceeded"), std::string::npos) << e.message;
}

TEST_F(Hostile, StringRepBombHitsTheMemoryCeiling)
{
    const auto e = attack("return #string.rep('x', 1 << 30)");
    EXPECT_NE(e.message.find("memory limit exceeded"), std::string::npos) << e.message;
    const auto method = attack("return #(('x'):rep(100000000))");
    EXPECT_NE(method.message.find("memory limit exceeded"), std::string::npos) << method.message;
}

TEST_F(Hostile, CaughtMemoryErrorsStillEndTheCall)
{
    const auto e = attack("while true do pcall(string.rep, 'x', 1 << 30) end");
    EXPECT_NE(e.message.find("memory limit exceeded"), std::string::npos) << e.message;
}

TEST_F(Hostile, CostlyPatternIsRefusedBeforeItRuns)
{
    const auto start = std::chrono::steady_clock::now();
    const auto e = attack("return string.find(string.rep('a', 5000), string.rep('a*', 20) .. 'b')");
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
    EXPECT_NE(e.message.find("pattern too costly"), std::string::npos) << e.message;
}

TEST_F(Hostile, WallClockLimitStopsWorkTheBudgetAllows)
{
    plugin_host slow_host(plugin_limits{.instructions = 1'000'000'000'000, .wall_time = std::chrono::milliseconds(50)});
    ASSERT_TRUE(slow_host.install("slow", hostile("while true do end"), "slow.lua").ok());
    const auto start = std::chrono::steady_clock::now();
    auto fee = slow_host.annual_fee("slow", object(R"({"attack":"body"})"), {});
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
    ASSERT_FALSE(fee.ok());
    EXPECT_NE(fee.err().message.find("time limit exceeded (50 ms)"), std::string::npos) << fee.err().message;
}

TEST_F(Hostile, LeakingStateIsRebuiltAndTheTenantRecovers)
{
    plugin_host host(plugin_limits{.memory_bytes = 2u << 20});
    ASSERT_TRUE(host.install("leaky",
                             "local keep = {}\n"
                             "return { annual_fee = function() keep[#keep + 1] = string.rep('x', 300000) return #keep end }",
                             "leaky.lua")
                    .ok());
    int failures = 0;
    pence last = 0;
    for (int i = 0; i < 12; ++i) {
        auto fee = host.annual_fee("leaky", {}, {});
        if (fee.ok())
            last = *fee;
        else {
            ++failures;
            EXPECT_NE(fee.err().message.find("memory limit exceeded"), std::string::npos) << fee.err().message;
        }
    }
    EXPECT_GE(failures, 1);
    EXPECT_GE(host.stats().state_builds, 2u); // rebuilt after the failure
    EXPECT_LT(last, 8);                       // a fresh state starts counting again
}

TEST(Sandbox, OnlyTheWhitelistIsReachable)
{
    plugin_host host;
    test::install(host, "probe", R"(
local forbidden = { "io", "os", "debug", "package", "require", "load", "loadstring", "dofile", "loadfile",
                    "collectgarbage", "print", "rawset", "rawget", "coroutine", "module", "warn", "newproxy" }
return { eligible = function(provider, lot)
  for _, name in ipairs(forbidden) do
    if _G[name] ~= nil or _ENV[name] ~= nil then return false, "reachable: " .. name end
  end
  if string.dump ~= nil or ("").dump ~= nil then return false, "reachable: string.dump" end
  if getmetatable("") ~= false then return false, "string metatable visible" end
  local expected = { "assert", "error", "ipairs", "next", "pairs", "pcall", "select", "tonumber", "tostring",
                     "type", "rawequal", "setmetatable", "getmetatable", "xpcall", "unpack", "string", "table",
                     "math", "utf8", "dps" }
  for _, name in ipairs(expected) do
    if _G[name] == nil then return false, "missing: " .. name end
  end
  return true
end })");
    auto verdict = host.eligible("probe", {}, {});
    ASSERT_TRUE(verdict.ok()) << verdict.err().message;
    EXPECT_TRUE(verdict->eligible) << verdict->reason;
}

TEST(Sandbox, EscapeAttemptsFailWithClearErrors)
{
    plugin_host host;
    const std::pair<const char*, const char*> cases[] = {
        {"return io.open('/etc/passwd')", "global 'io'"},
        {"return os.execute('true')", "global 'os'"},
        {"return debug.getregistry()", "global 'debug'"},
        {"return require('os')", "global 'require'"},
        {"return package.loadlib('libc.so.6', 'system')", "global 'package'"},
        {"return load('\\27LuaT\\0')", "global 'load'"},
        {"return string.dump(function() end)", "field 'dump'"},
        {"getmetatable('').__index = { len = function() return 0 end }", "boolean value"},
        {"string.len = function() return 0 end", "read-only table"},
        {"setmetatable(string, {})", "protected metatable"},
        {"setmetatable({}, { __gc = function() while true do end end })", "__gc metamethods are not allowed"},
        {"dps.pounds = function() return 0 end", "read-only table"},
        {"return dps.pounds(31.5)", "integer number of pounds"},
    };
    for (const auto& [body, message] : cases) {
        const std::string source = "return { annual_fee = function(lot, agreement)\n" + std::string(body) + "\nend }";
        ASSERT_TRUE(host.install("escape", source, "escape.lua").ok()) << body;
        auto fee = host.annual_fee("escape", {}, {});
        ASSERT_FALSE(fee.ok()) << body;
        expect_plugin_error(fee.err(), "escape", "annual_fee", "escape.lua:2:");
        EXPECT_NE(fee.err().message.find(message), std::string::npos) << fee.err().message;
    }
}

TEST(Sandbox, XpcallHandlersStillRunForOrdinaryErrors)
{
    plugin_host host;
    test::install(host, "handler", R"(return { eligible = function()
  local ok, message = xpcall(function() error("plain failure", 0) end, function(m) return "handled: " .. m end)
  return not ok and message == "handled: plain failure", tostring(message)
end })");
    auto verdict = host.eligible("handler", {}, {});
    ASSERT_TRUE(verdict.ok()) << verdict.err().message;
    EXPECT_TRUE(verdict->eligible) << verdict->reason;
}

TEST(Sandbox, GlobalTableTricksStayInsideTheTenant)
{
    plugin_host host;
    test::install(host, "tricky", R"(
setmetatable(_G, { __index = function(_, key) return "hijacked " .. key end })
return { eligible = function(provider, lot)
  setmetatable(_G, nil)
  string = nil
  return io == nil, "io came back"
end })");
    test::install(host, "plain", "return { eligible = function() return ('abc'):upper() == 'ABC' and string ~= nil, 'broken' end }");
    auto tricky = host.eligible("tricky", {}, {});
    ASSERT_TRUE(tricky.ok()) << tricky.err().message;
    EXPECT_TRUE(tricky->eligible) << tricky->reason;
    auto plain = host.eligible("plain", {}, {});
    ASSERT_TRUE(plain.ok()) << plain.err().message;
    EXPECT_TRUE(plain->eligible);
}

TEST(Sandbox, ArgumentsAreReadOnlyButReadable)
{
    plugin_host host;
    test::install(host, "reader", R"(return {
  annual_fee = function(lot, agreement)
    local n = 0
    for _, code in ipairs(agreement.lots) do n = n + #code end
    for k, v in pairs(agreement) do n = n + 1 end
    local k = next(lot)
    return n * 1000 + #agreement.lots * 100 + (k and 1 or 0)
  end,
  eligible = function(provider, lot)
    local ok1 = pcall(function() provider.rating = "outstanding" end)
    local ok2 = pcall(table.insert, provider.lots, "lot9")
    local ok3 = pcall(setmetatable, provider, nil)
    local ok4 = pcall(function() getmetatable(provider).__newindex = nil end)
    if ok1 or ok2 or ok3 or ok4 then return false, "a write succeeded" end
    return provider.rating == "good", "the argument changed"
  end,
})");
    auto fee = host.annual_fee("reader", object(R"({"code":"lot2"})"),
                               object(R"({"lots":["lot2","lot4"],"partner":"waltham-forest"})"));
    ASSERT_TRUE(fee.ok()) << fee.err().message;
    EXPECT_EQ(*fee, 10 * 1000 + 200 + 1); // 8 chars of codes + 2 fields, 2 lots, next() saw a key
    auto verdict = host.eligible("reader", object(R"({"rating":"good","lots":["lot2"]})"), {});
    ASSERT_TRUE(verdict.ok()) << verdict.err().message;
    EXPECT_TRUE(verdict->eligible) << verdict->reason;
}

TEST(Sandbox, IntegersStayIntegersAndFloatsStayFloats)
{
    plugin_host host;
    test::install(host, "types",
                  "return { annual_fee = function(lot) return math.type(lot.pence) == 'integer' and "
                  "math.type(lot.ratio) == 'float' and lot.pence or -1 end }");
    auto fee = host.annual_fee("types", object(R"({"pence": 315000, "ratio": 0.5})"), {});
    ASSERT_TRUE(fee.ok()) << fee.err().message;
    EXPECT_EQ(*fee, 315000);
}

TEST(Sandbox, ParserRecursionIsRefusedAtInstall)
{
    plugin_host host;
    const std::string source = "return { annual_fee = function() return " + std::string(1000, '(') + "1" +
                               std::string(1000, ')') + " end }";
    auto installed = host.install("nested", source, "nested.lua");
    ASSERT_FALSE(installed.ok());
    EXPECT_EQ(installed.err().code, "plugin_error");
}

TEST(Sandbox, LoopInTheChunkItselfIsStoppedAtInstall)
{
    plugin_host host;
    auto installed = host.install("loader", "while true do end\nreturn {}", "loader.lua");
    ASSERT_FALSE(installed.ok());
    EXPECT_NE(installed.err().message.find("instruction budget exceeded at loader.lua:1"), std::string::npos)
        << installed.err().message;
}

TEST(Sandbox, DpsHelpers)
{
    plugin_host host;
    test::install(host, "helpers", R"(return { eligible = function()
  local checks = {
    dps.add_months("2024-08-31", 6) == "2025-02-28",
    dps.add_months("2024-01-31", -1) == "2023-12-31",
    dps.financial_year("2025-03-31") == "2024/25",
    dps.financial_year("2025-04-01") == "2025/26",
    dps.date_parts("2024-02-29").day == 29,
    dps.pounds(3150) == 315000,
    math.type(dps.pounds(3150)) == "integer",
    dps.rating_at_least("outstanding", "good"),
    not dps.rating_at_least("requires_improvement", "good"),
    not dps.rating_at_least(nil, "good"),
    dps.is_date("2024-02-29") and not dps.is_date("2023-02-29"),
    select(2, ("2024-04-01"):match("^(%d+)-(%d+)-(%d+)$")) == "04",
    not pcall(dps.add_months, "2024-02-30", 1),
  }
  for i, ok in ipairs(checks) do if not ok then return false, "check " .. i end end
  return true
end })");
    auto verdict = host.eligible("helpers", {}, {});
    ASSERT_TRUE(verdict.ok()) << verdict.err().message;
    EXPECT_TRUE(verdict->eligible) << verdict->reason;
}

TEST(Isolation, SecondTenantKeepsWorkingWhileAnotherLoops)
{
    plugin_host host;
    ASSERT_TRUE(host.install_file("newham", test::tenants_dir() / "newham" / "plugin.lua").ok());
    ASSERT_TRUE(host.install("evil", hostile("while true do pcall(function() while true do end end) end"), "evil.lua").ok());

    std::atomic<bool> done{false};
    std::atomic<int> kills{0};
    std::atomic<int> kills_during_good_calls{0};
    std::thread attacker([&] {
        while (!done.load()) {
            auto fee = host.annual_fee("evil", object(R"({"attack":"body"})"), {});
            if (!fee.ok() && fee.err().message.find("instruction budget exceeded") != std::string::npos)
                kills.fetch_add(1);
        }
    });
    int good = 0;
    const int kills_before = kills.load();
    const boost::json::object lot{{"code", "lot2"}};
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    for (int i = 0; i < 20000 && std::chrono::steady_clock::now() < deadline; ++i) {
        auto fee = host.annual_fee("newham", lot, {});
        ASSERT_TRUE(fee.ok()) << fee.err().message;
        ASSERT_EQ(*fee, 315000);
        ++good;
        if (i == 100)
            std::this_thread::sleep_for(std::chrono::milliseconds(20)); // let the attacker get going
    }
    kills_during_good_calls = kills.load() - kills_before;
    done = true;
    attacker.join();
    EXPECT_GE(good, 1000);
    EXPECT_GE(kills_during_good_calls.load(), 1) << "the hostile loop never ran alongside";
}

} // namespace
} // namespace dps::plugins
