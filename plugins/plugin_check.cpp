// check_plugin: compile a plugin in a private host and validate what its argument-less hooks return.
#include "plugins/plugin_check.hpp"

#include "plugins/plugin_host.hpp"

#include <fstream>
#include <sstream>

namespace dps::plugins {

result<check_report> check_plugin_source(std::string tenant, std::string source, std::string file,
                                         const check_options& options)
{
    plugin_host host(options.limits);
    auto installed = host.install(tenant, std::move(source), std::move(file));
    if (!installed)
        return std::move(installed).err();
    check_report report;
    report.plugin = std::move(installed).value();
    auto lots = options.lead_lot_codes ? host.lots(tenant, *options.lead_lot_codes) : host.lots_unverified(tenant);
    if (!lots)
        return std::move(lots).err();
    report.lots = std::move(lots).value();
    report.maps_to_verified = options.lead_lot_codes.has_value();
    auto authority = host.spend_authority(tenant);
    if (!authority)
        return std::move(authority).err();
    report.spend_authority = std::move(authority).value();
    auto discount = host.max_block_discount_percent(tenant);
    if (!discount)
        return std::move(discount).err();
    report.max_block_discount_percent = *discount;
    return report;
}

result<check_report> check_plugin(const std::filesystem::path& file, const check_options& options)
{
    std::ifstream in(file, std::ios::binary);
    if (!in)
        return make_error(error_kind::not_found, "plugin_file_missing", "cannot read plugin file " + file.string());
    std::ostringstream text;
    text << in.rdbuf();
    const auto folder = std::filesystem::absolute(file).parent_path().filename().string();
    return check_plugin_source(folder, std::move(text).str(), file.generic_string(), options);
}

std::string format_check(const check_report& report)
{
    std::ostringstream out;
    out << "plugin " << report.plugin.file << " for tenant '" << report.plugin.tenant << "' (hash "
        << report.plugin.hash << ") is valid\n  hooks:";
    for (const auto& hook : report.plugin.hooks)
        out << ' ' << hook;
    if (report.plugin.hooks.empty())
        out << " none (every hook uses the platform default)";
    out << "\n  lots: " << report.lots.size() << '\n';
    for (const auto& lot : report.lots) {
        out << "    " << lot.code << ": " << lot.name;
        if (lot.maps_to)
            out << " -> lead lot " << *lot.maps_to << (report.maps_to_verified ? "" : " (not verified)");
        out << '\n';
    }
    if (report.spend_authority)
        out << "  spend authority: " << report.spend_authority->limit_pence << " pence from "
            << report.spend_authority->from << " to " << report.spend_authority->to << '\n';
    out << "  maximum block discount: " << report.max_block_discount_percent << "%\n";
    return out.str();
}

} // namespace dps::plugins
