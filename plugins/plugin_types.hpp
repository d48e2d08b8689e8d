// The typed values tenant plugin hooks return to the platform, and the limits each call runs under.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dps::plugins {

// Money is integer pence everywhere a plugin touches it (Newham's fee is 315000).
using pence = std::int64_t;

// What a provider must show to be admitted to a lot; the platform checks these generically.
struct lot_requirements {
    std::optional<std::string> regulator;      // "cqc" or "ofsted"
    std::optional<std::string> minimum_rating; // "outstanding", "good", "requires_improvement", "inadequate"
    std::optional<std::string> living_wage;    // "london_living_wage" or "real_living_wage"
    std::optional<pence> public_liability_pence;
    std::optional<pence> employers_liability_pence;
    std::vector<std::string> other; // free-text conditions shown to applicants
};

struct lot_definition {
    std::string code;
    std::string name;
    std::string description;
    std::optional<std::string> maps_to; // a partner's local lot: the lead's lot code it calls off from
    lot_requirements requirements;
};

struct approval_step {
    std::string authority; // one of known_authorities()
    std::vector<std::string> in_consultation_with;
};

struct eligibility {
    bool eligible = true;
    std::string reason; // non-empty when not eligible
};

// A partner's authorised maximum spend through the DPS over a period (Peterborough: 31000000 pence).
struct spend_authority {
    pence limit_pence = 0;
    std::string from; // ISO date, inclusive
    std::string to;   // ISO date, inclusive
    std::optional<std::string> approved_by; // an authority name
};

// Per-call limits; breaking one ends that call with a plugin_error.
struct plugin_limits {
    std::uint64_t instructions = 1'000'000;   // Lua VM instructions per call
    std::size_t memory_bytes = 4u << 20;      // ceiling for one Lua state (plugin + data)
    std::chrono::milliseconds wall_time{100}; // per call
    std::size_t max_source_bytes = 256u << 10;
    // A fixture document: at most this many cases, run within this much wall time in all, so that
    // one upload cannot hold a shared worker for long (issue 15, defect 5).
    std::size_t max_fixture_cases = 200;
    std::chrono::milliseconds fixtures_wall_time{3000};
};

struct plugin_info {
    std::string tenant;
    std::string file;          // label used in error messages (usually the path)
    std::string hash;          // FNV-1a 64 of the source, hex
    std::uint64_t version = 0; // increases with every install on one host
    std::vector<std::string> hooks; // hooks the plugin defines, in canonical order
};

// The authority names an approval route may use.
const std::vector<std::string>& known_authorities();
bool is_known_authority(std::string_view name);

// The hook names a plugin may define, in canonical order.
const std::vector<std::string>& known_hooks();

} // namespace dps::plugins
