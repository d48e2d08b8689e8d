// Benchmarks for the plugin host: warm annual_fee and approval_route calls, plugin install
// (compile + check), and the memory of one loaded tenant state. After the Google Benchmark run,
// main times calls one by one to print p50/p99 against the 10 microsecond target.
#include "plugins/plugin_host.hpp"

#include <benchmark/benchmark.h>
#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace {

using namespace dps::plugins;

std::filesystem::path tenant_file(const char* tenant)
{
    return std::filesystem::path(DPS_SOURCE_DIR) / "tenants" / tenant / "plugin.lua";
}

std::string read_file(const std::filesystem::path& path)
{
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

plugin_host& shared_host()
{
    static plugin_host host;
    static const bool installed = [] {
        for (const char* tenant : {"newham", "haringey", "waltham-forest", "peterborough", "cambridgeshire"})
            if (!host.install_file(tenant, tenant_file(tenant)).ok())
                return false;
        return true;
    }();
    if (!installed)
        std::abort();
    return host;
}

const boost::json::object fee_lot{{"code", "lot2"}};
const boost::json::object fee_agreement{{"partner", "waltham-forest"}, {"starts_on", "2024-02-01"}};
const boost::json::object award{{"value_pence", 75'000'000}, {"kind", "award"}};

void BM_AnnualFeeWarm(benchmark::State& state)
{
    plugin_host& host = shared_host();
    if (!host.annual_fee("newham", fee_lot, fee_agreement).ok())
        state.SkipWithError("annual_fee failed");
    for (auto _ : state)
        benchmark::DoNotOptimize(host.annual_fee("newham", fee_lot, fee_agreement));
}
BENCHMARK(BM_AnnualFeeWarm)->Repetitions(5)->ReportAggregatesOnly(false);

void BM_ApprovalRouteWarm(benchmark::State& state)
{
    plugin_host& host = shared_host();
    if (!host.approval_route("haringey", award).ok())
        state.SkipWithError("approval_route failed");
    for (auto _ : state)
        benchmark::DoNotOptimize(host.approval_route("haringey", award));
}
BENCHMARK(BM_ApprovalRouteWarm)->Repetitions(5)->ReportAggregatesOnly(false);

void BM_DefaultHook(benchmark::State& state)
{
    plugin_host& host = shared_host();
    for (auto _ : state)
        benchmark::DoNotOptimize(host.annual_fee("haringey", fee_lot, fee_agreement)); // not defined: default
}
BENCHMARK(BM_DefaultHook);

void BM_InstallPlugin(benchmark::State& state)
{
    const std::string source = read_file(tenant_file("haringey"));
    plugin_host host;
    for (auto _ : state) {
        auto installed = host.install("haringey", source, "tenants/haringey/plugin.lua");
        if (!installed.ok())
            state.SkipWithError("install failed");
    }
}
BENCHMARK(BM_InstallPlugin);

// Install plus the first call on this thread, which builds the thread's state for the version.
void BM_InstallAndFirstCall(benchmark::State& state)
{
    const std::string source = read_file(tenant_file("haringey"));
    plugin_host host;
    for (auto _ : state) {
        if (!host.install("haringey", source, "tenants/haringey/plugin.lua").ok() ||
            !host.approval_route("haringey", award).ok())
            state.SkipWithError("install or call failed");
    }
}
BENCHMARK(BM_InstallAndFirstCall);

void BM_TenantStateMemory(benchmark::State& state)
{
    plugin_host& host = shared_host();
    std::size_t bytes = 0;
    for (auto _ : state) {
        auto memory = host.state_memory_bytes("haringey");
        bytes = memory.ok() ? *memory : 0;
        benchmark::DoNotOptimize(bytes);
    }
    state.counters["haringey_state_bytes"] = static_cast<double>(bytes);
    state.counters["newham_state_bytes"] = static_cast<double>(*host.state_memory_bytes("newham"));
}
BENCHMARK(BM_TenantStateMemory)->Iterations(10);

template <class Call>
void print_percentiles(const char* name, Call call)
{
    constexpr int samples = 200'000;
    std::vector<double> nanos;
    nanos.reserve(samples);
    for (int i = 0; i < 1000; ++i)
        call();
    for (int i = 0; i < samples; ++i) {
        const auto start = std::chrono::steady_clock::now();
        call();
        nanos.push_back(std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(nanos.begin(), nanos.end());
    double sum = 0;
    for (double n : nanos)
        sum += n;
    const auto at = [&](double q) { return nanos[static_cast<std::size_t>(q * (samples - 1))] / 1000.0; };
    std::printf("%-28s n=%d mean=%.2fus p50=%.2fus p99=%.2fus p99.9=%.2fus max=%.2fus (target p99 < 10us: %s)\n",
                name, samples, sum / samples / 1000.0, at(0.5), at(0.99), at(0.999), nanos.back() / 1000.0,
                at(0.99) < 10.0 ? "met" : "MISSED");
}

} // namespace

int main(int argc, char** argv)
{
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();

    plugin_host& host = shared_host();
    std::printf("\nPer-call latency, timed one call at a time:\n");
    print_percentiles("annual_fee (newham)", [&] { benchmark::DoNotOptimize(host.annual_fee("newham", fee_lot, fee_agreement)); });
    print_percentiles("approval_route (haringey)", [&] { benchmark::DoNotOptimize(host.approval_route("haringey", award)); });
    std::printf("\nMemory of one loaded tenant state (after a full collection; target < 262144 bytes):\n");
    for (const char* tenant : {"newham", "haringey", "waltham-forest", "peterborough", "cambridgeshire"}) {
        auto bytes = host.state_memory_bytes(tenant);
        std::printf("  %-16s %zu bytes\n", tenant, bytes.ok() ? *bytes : std::size_t{0});
    }
    return 0;
}
