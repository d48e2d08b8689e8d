// The plugin host: installs each tenant's Lua plugin and calls its hooks safely.
// The one header the platform includes; it does not expose Lua.
//
// Calls are thread-safe and lock-free on the hot path: every worker thread keeps its own Lua
// state per tenant, rebuilt when a new version is installed. Every hook returns a result:
// a plugin's failure is a plugin_error value naming the tenant, the hook and file:line.
#pragma once

#include "core/result.hpp"
#include "plugins/iso_date.hpp"
#include "plugins/plugin_types.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dps::plugins {

// The one code a hook answers with when the tenant has no active plugin; the platform's defaults apply then.
inline constexpr std::string_view kNotInstalled = "plugin_not_installed";
inline bool not_installed(const error& e) { return e.code == kNotInstalled; }

// A hook's answer, nothing when the tenant has no plugin, or the hook's error (a broken rule stops the
// act): `auto r = if_installed(host.approval_route(...)); if (!r) return r.err(); route = r->value_or(...)`.
template <class T>
result<std::optional<T>> if_installed(result<T> answer)
{
    if (answer) return std::optional<T>{std::move(*answer)};
    if (not_installed(answer.err())) return std::optional<T>{};
    return std::move(answer).err();
}

struct host_stats {
    std::uint64_t calls = 0;        // hook calls that reached a plugin function
    std::uint64_t failures = 0;     // of those, how many returned an error
    std::uint64_t limit_kills = 0;  // calls stopped by the instruction, memory or time limit
    std::uint64_t state_builds = 0; // Lua states built (first use per thread, new version, rebuild)
};

// One tenant's share of host_stats (the current plugin's tenant; since it was first installed).
struct tenant_stats {
    std::string tenant;
    std::uint64_t calls = 0, failures = 0, limit_kills = 0;
};

class plugin_host {
public:
    explicit plugin_host(plugin_limits limits = {});
    ~plugin_host();
    plugin_host(const plugin_host&) = delete;
    plugin_host& operator=(const plugin_host&) = delete;

    // Compiles and checks the plugin, then atomically replaces the tenant's current version.
    // `file` labels error messages (use the path). Calls already running finish on the old version.
    result<plugin_info> install(std::string tenant, std::string source, std::string file);
    result<plugin_info> install_file(std::string tenant, const std::filesystem::path& file);
    bool uninstall(std::string_view tenant);
    std::optional<plugin_info> info(std::string_view tenant) const;
    const plugin_limits& limits() const noexcept;

    // Hooks. A tenant without an installed plugin is an error (not_found, "plugin_not_installed");
    // a hook the plugin does not define returns the platform default (see docs/plugins.md).

    // Local lot definitions; `lead_lot_codes` are the lead DPS's lot codes that maps_to may name
    // (empty for a lead authority, whose lots map onto nothing). Default: no local lots.
    result<std::vector<lot_definition>> lots(std::string_view tenant,
                                             std::span<const std::string> lead_lot_codes = {}) const;
    // The same, for operator checks made without the lead's lots: maps_to is not verified.
    result<std::vector<lot_definition>> lots_unverified(std::string_view tenant) const;
    // Fee per lot per year of an access agreement, pence. Default 0.
    result<pence> annual_fee(std::string_view tenant, const boost::json::object& lot,
                             const boost::json::object& agreement) const;
    // Notice period in months for ending an access agreement. Default 6.
    result<int> termination_notice(std::string_view tenant, const boost::json::object& agreement) const;
    // Ordered approvals an award, variation or extension needs. Default: the budget holder alone.
    result<std::vector<approval_step>> approval_route(std::string_view tenant, const boost::json::object& award) const;
    // Local admission rules beyond the lot's requirements. Default: eligible.
    result<eligibility> eligible(std::string_view tenant, const boost::json::object& provider,
                                 const boost::json::object& lot) const;
    // Higher is better. Default: minus the bid's total_pence (cheapest wins).
    result<double> score_bid(std::string_view tenant, const boost::json::object& bid,
                             const boost::json::object& call_off) const;
    // New hourly rate (pence) on `date`, an ISO date. Default: contract.hourly_rate_pence unchanged.
    result<pence> rate_uplift(std::string_view tenant, const boost::json::object& contract,
                              std::string_view date) const;
    // A partner's spend authority, if its plugin declares one. Default: none.
    result<std::optional<dps::plugins::spend_authority>> spend_authority(std::string_view tenant) const;
    // Largest discount off the hourly rate a block arrangement may carry. Default 0.
    result<int> max_block_discount_percent(std::string_view tenant) const;

    // Bytes held by the calling thread's Lua state for the tenant (built if needed).
    result<std::size_t> state_memory_bytes(std::string_view tenant) const;
    host_stats stats() const;
    std::vector<tenant_stats> stats_by_tenant() const; // tenants with a plugin installed, by name

    struct impl;

private:
    std::unique_ptr<impl> impl_;
};

} // namespace dps::plugins
