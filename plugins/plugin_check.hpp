// Operator tools behind `dpsctl plugin check FILE` and `dpsctl plugin test tenants/<slug>`:
// compile and validate a plugin, and run a tenant's fixtures.json against its plugin.
#pragma once

#include "core/result.hpp"
#include "plugins/plugin_types.hpp"

#include <boost/json/value.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace dps::plugins {

struct check_options {
    // The lead DPS's lot codes; without them a partner's maps_to is reported but not verified.
    std::optional<std::vector<std::string>> lead_lot_codes;
    plugin_limits limits;
};

struct check_report {
    plugin_info plugin;
    std::vector<lot_definition> lots;
    bool maps_to_verified = false;
    std::optional<dps::plugins::spend_authority> spend_authority;
    int max_block_discount_percent = 0;
};

// Compiles the plugin, checks its shape, and runs and validates its argument-less hooks
// (lots, spend_authority, max_block_discount_percent).
result<check_report> check_plugin_source(std::string tenant, std::string source, std::string file,
                                         const check_options& options = {});
// As above from a file; the tenant is the name of the folder holding it (tenants/<slug>/plugin.lua).
result<check_report> check_plugin(const std::filesystem::path& file, const check_options& options = {});
std::string format_check(const check_report& report);

struct fixture_case_result {
    std::string name;
    std::string hook;
    bool passed = false;
    std::string message; // why it failed (or what it returned when it passed)
};

struct fixture_report {
    std::string tenant;
    std::string plugin_file;
    std::vector<fixture_case_result> cases;
    std::size_t passed() const;
    std::size_t failed() const;
    bool ok() const { return failed() == 0 && !cases.empty(); }
};

// Loads <dir>/plugin.lua and runs every case of <dir>/fixtures.json against it. An error means
// the run itself could not happen (missing files, malformed fixtures, plugin failed to load);
// failing cases are reported in the fixture_report.
result<fixture_report> run_fixtures(const std::filesystem::path& tenant_dir, const plugin_limits& limits = {});
std::string format_report(const fixture_report& report);

// The same from memory: a tenant's uploaded source and fixtures document ({"cases": [...]}),
// with the lead's lot codes for a partner's maps_to.
result<fixture_report> run_fixture_document(const std::string& tenant, const std::string& source, const std::string& file,
                                            const boost::json::value& fixtures, const std::vector<std::string>& lead_lots,
                                            const plugin_limits& limits = {});

class plugin_host;
// Calls a hook by name with JSON arguments and returns its validated result as JSON.
result<boost::json::value> call_hook(const plugin_host& host, const std::string& tenant, const std::string& hook,
                                     const boost::json::array& args, const std::vector<std::string>& lead_lots = {});

} // namespace dps::plugins
