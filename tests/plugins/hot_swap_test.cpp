// Tests hot replacement: threads keep calling hooks while new versions are installed; every
// result comes from one complete version, versions never go backwards on a thread, and a call
// in flight finishes on the version it started with.
#include "test_support.hpp"

#include <atomic>
#include <chrono>
#include <thread>

namespace dps::plugins {
namespace {

std::string versioned_plugin(int version)
{
    const std::string v = std::to_string(version);
    return "local V = " + v +
           "\n"
           "return {\n"
           "  lots = function() return { { code = 'v' .. V, name = 'v' .. V, description = 'v' .. V } } end,\n"
           "  annual_fee = function() return V end,\n"
           "}\n";
}

TEST(HotSwap, ConcurrentCallsSeeWholeVersionsOnly)
{
    plugin_host host;
    test::install(host, "swap", versioned_plugin(1));
    constexpr int threads = 3;
    constexpr int versions = 150;
    std::atomic<bool> stop{false};
    std::atomic<int> torn{0}, errors{0}, backwards{0};
    std::atomic<long> calls{0};
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t)
        workers.emplace_back([&] {
            int last = 0;
            while (!stop.load()) {
                auto lots = host.lots("swap");
                if (!lots.ok() || lots->size() != 1) {
                    errors.fetch_add(1);
                    continue;
                }
                const auto& lot = (*lots)[0];
                if (lot.code != lot.name || lot.code != lot.description)
                    torn.fetch_add(1);
                const int seen = std::stoi(lot.code.substr(1));
                if (seen < last)
                    backwards.fetch_add(1);
                last = seen;
                auto fee = host.annual_fee("swap", {}, {});
                if (!fee.ok())
                    errors.fetch_add(1);
                else if (*fee < last)
                    backwards.fetch_add(1);
                calls.fetch_add(2);
            }
        });
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    for (int v = 2; v <= versions && std::chrono::steady_clock::now() < deadline; ++v) {
        auto installed = host.install("swap", versioned_plugin(v), "swap.lua");
        ASSERT_TRUE(installed.ok()) << installed.err().message;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    stop = true;
    for (auto& worker : workers)
        worker.join();
    EXPECT_EQ(torn.load(), 0);
    EXPECT_EQ(errors.load(), 0);
    EXPECT_EQ(backwards.load(), 0);
    EXPECT_GT(calls.load(), 1000);
    auto fee = host.annual_fee("swap", {}, {});
    ASSERT_TRUE(fee.ok());
    EXPECT_EQ(*fee, versions); // after the last swap everyone sees the last version
}

TEST(HotSwap, CallInFlightFinishesOnItsVersion)
{
    plugin_host host(plugin_limits{.instructions = 10'000'000'000, .wall_time = std::chrono::seconds(10)});
    const char* slow = "return { annual_fee = function()\n"
                       "  local x = 0\n"
                       "  for i = 1, 20000000 do x = x + 1 end\n"
                       "  return 1\n"
                       "end }";
    test::install(host, "inflight", slow);
    std::atomic<bool> started{false};
    result<pence> in_flight = make_error(error_kind::internal, "not_run", "not run");
    std::thread caller([&] {
        started = true;
        in_flight = host.annual_fee("inflight", {}, {});
    });
    while (!started.load())
        std::this_thread::yield();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    test::install(host, "inflight", "return { annual_fee = function() return 2 end }");
    caller.join();
    ASSERT_TRUE(in_flight.ok()) << in_flight.err().message;
    EXPECT_EQ(*in_flight, 1);
    auto next = host.annual_fee("inflight", {}, {});
    ASSERT_TRUE(next.ok());
    EXPECT_EQ(*next, 2);
}

TEST(HotSwap, FailedInstallKeepsTheCurrentVersion)
{
    plugin_host host;
    test::install(host, "keep", versioned_plugin(7));
    EXPECT_FALSE(host.install("keep", "return {", "keep.lua").ok());
    auto fee = host.annual_fee("keep", {}, {});
    ASSERT_TRUE(fee.ok());
    EXPECT_EQ(*fee, 7);
}

} // namespace
} // namespace dps::plugins
