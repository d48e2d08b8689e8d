// The plugin host under hostile or broken Lua, within its budgets: the first byte chooses raw source
// (the rest of the input, seeded by the shipped plugins) or a program generated from the input's
// bytes (loops, recursion, string building, patterns, huge tables, odd return values, errors) for
// every hook. Installing and calling each hook must return a result, ok or error, never crash,
// never exceed the call budgets, and leave the host usable.
#include "plugins/plugin_host.hpp"

#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace {

struct bytes {
    const std::uint8_t* data;
    std::size_t size;
    std::uint8_t next() { return size ? (--size, *data++) : 0; }
};

// One expression a hook might return or compute with.
std::string expression(bytes& in, int depth)
{
    static const char* atoms[] = {"0", "-1", "1e308", "math.maxinteger", "math.mininteger", "0/0", "'text'", "nil", "true",
                                  "{}", "{code='lot2', name='L', description='d'}", "dps.pounds(3150)", "string.rep('x', 1e6)",
                                  "('%d'):format(7)", "agreement", "lot", "award", "bid", "contract", "date", "...", "#LOTS",
                                  "{ {code='a', name='A', description='d', requirements={regulator='ofsted'}} }",
                                  "{ {authority='budget_holder'} }", "{ eligible=false, reasons={'r'} }", "setmetatable({}, {__index=function() error('boom') end})"};
    const auto pick = in.next();
    if (depth > 3 || pick < 160) return atoms[pick % (sizeof atoms / sizeof *atoms)];
    static const char* ops[] = {" + ", " .. ", " * ", " // ", " % ", " == ", " and ", " or ", " < "};
    return "(" + expression(in, depth + 1) + ops[pick % (sizeof ops / sizeof *ops)] + expression(in, depth + 1) + ")";
}

// A few statements: the patterns that threaten a shared host.
std::string statements(bytes& in)
{
    std::string out;
    for (int n = in.next() % 4; n > 0; --n) {
        switch (in.next() % 10) {
        case 0: out += "  while true do end\n"; break;
        case 1: out += "  local t = {} for i = 1, 1e7 do t[i] = i end\n"; break;
        case 2: out += "  local s = 'x' for i = 1, 40 do s = s .. s end\n"; break;
        case 3: out += "  local function f(n) return f(n + 1) + 1 end f(1)\n"; break;
        case 4: out += "  local _ = string.find(string.rep('a', 5000), '(.-)*(.-)*(.-)*b')\n"; break;
        case 5: out += "  error(" + expression(in, 0) + ")\n"; break;
        case 6: out += "  local x = " + expression(in, 0) + "\n"; break;
        case 7: out += "  if " + expression(in, 0) + " then return " + expression(in, 0) + " end\n"; break;
        case 8: out += "  for k in pairs(_G) do _G[k] = nil end\n"; break;
        default: out += "  coroutine.wrap(function() while true do coroutine.yield() end end)()\n"; break;
        }
    }
    return out;
}

std::string generated(bytes& in)
{
    static const char* hooks[] = {"lots",     "annual_fee", "termination_notice", "approval_route",
                                  "eligible", "score_bid",  "rate_uplift",        "spend_authority", "max_block_discount_percent"};
    std::string src = "local LOTS = { {code='lot2', name='Lot 2', description='d'} }\nlocal plugin = {}\n";
    for (const char* hook : hooks) {
        if (in.next() % 4 == 0) continue; // not every plugin defines every hook
        src += std::string{"function plugin."} + hook + "(...)\n" + statements(in) + "  return " + expression(in, 0) + "\nend\n";
    }
    return src + (in.next() % 8 == 0 ? "return 42\n" : "return plugin\n");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace dps::plugins;
    static plugin_host host;
    if (size == 0) return 0;
    bytes in{data + 1, size - 1};
    const std::string source = data[0] % 2 ? std::string(reinterpret_cast<const char*>(data + 1), size - 1) : generated(in);
    auto installed = host.install("fuzz", source, "fuzz.lua");
    if (!installed) return 0; // refused with a message: the expected answer for most inputs

    const boost::json::object lot{{"code", "lot2"}, {"name", "Lot 2"}};
    const boost::json::object agreement{{"starts_on", "2024-02-01"}, {"ends_on", "2026-03-08"}, {"lead", "newham"}};
    const boost::json::object award{{"value_pence", 1500000}, {"lot_code", "lot2"}, {"kind", "award"}};
    const boost::json::object provider{{"name", "Riverside"}, {"ofsted_rating", "good"}};
    const boost::json::object bid{{"total_pence", 120000}, {"hourly_rate_pence", 2500}};
    const boost::json::object contract{{"hourly_rate_pence", 2500}, {"starts_on", "2024-05-01"}};
    const std::string lead_lots[] = {"lot2", "lot4"};
    (void)host.lots("fuzz", lead_lots);
    (void)host.lots_unverified("fuzz");
    if (auto fee = host.annual_fee("fuzz", lot, agreement); fee && (*fee < 0 || *fee > 100'000'000'000)) std::abort();
    (void)host.termination_notice("fuzz", agreement);
    (void)host.approval_route("fuzz", award);
    (void)host.eligible("fuzz", provider, lot);
    (void)host.score_bid("fuzz", bid, {{"lot_code", "lot2"}});
    if (auto rate = host.rate_uplift("fuzz", contract, "2025-04-01"); rate && (*rate < 0 || *rate > 100'000)) std::abort();
    (void)host.spend_authority("fuzz");
    (void)host.max_block_discount_percent("fuzz");
    if (auto bytes_held = host.state_memory_bytes("fuzz"); bytes_held && *bytes_held > host.limits().memory_bytes * 2) std::abort();
    return 0;
}
