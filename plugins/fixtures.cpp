// The fixture runner: tenants/<slug>/fixtures.json lists hook calls and their expected results.
#include "plugins/json_match.hpp"
#include "plugins/plugin_check.hpp"
#include "plugins/plugin_host.hpp"

#include <boost/json.hpp>

#include <fstream>
#include <chrono>
#include <sstream>

namespace dps::plugins {

using detail::to_json;

namespace {

result<boost::json::value> read_json_file(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return make_error(error_kind::not_found, "fixtures_missing", "cannot read " + path.string());
    std::ostringstream text;
    text << in.rdbuf();
    boost::system::error_code ec;
    auto value = boost::json::parse(text.str(), ec);
    if (ec)
        return make_error(error_kind::bad_request, "fixtures_invalid", path.string() + ": " + ec.message());
    return value;
}

error fixture_error(const std::filesystem::path& path, const std::string& what)
{
    return make_error(error_kind::bad_request, "fixtures_invalid", path.string() + ": " + what);
}

} // namespace

result<boost::json::value> call_hook(const plugin_host& host, const std::string& tenant, const std::string& hook,
                                     const boost::json::array& args, const std::vector<std::string>& lead_lots)
{
    const boost::json::object empty;
    auto object_arg = [&](std::size_t i) -> const boost::json::object& {
        return i < args.size() && args[i].is_object() ? args[i].get_object() : empty;
    };
    auto wrap = [](auto r) -> result<boost::json::value> {
        if (!r)
            return std::move(r).err();
        if constexpr (std::is_arithmetic_v<std::decay_t<decltype(*r)>>)
            return boost::json::value(*r);
        else
            return to_json(*r);
    };
    if (hook == "lots") return wrap(host.lots(tenant, lead_lots));
    if (hook == "annual_fee") return wrap(host.annual_fee(tenant, object_arg(0), object_arg(1)));
    if (hook == "termination_notice") return wrap(host.termination_notice(tenant, object_arg(0)));
    if (hook == "approval_route") return wrap(host.approval_route(tenant, object_arg(0)));
    if (hook == "eligible") return wrap(host.eligible(tenant, object_arg(0), object_arg(1)));
    if (hook == "score_bid") return wrap(host.score_bid(tenant, object_arg(0), object_arg(1)));
    if (hook == "rate_uplift") {
        const std::string date = args.size() > 1 && args[1].is_string() ? std::string(args[1].get_string()) : "";
        return wrap(host.rate_uplift(tenant, object_arg(0), date));
    }
    if (hook == "spend_authority") return wrap(host.spend_authority(tenant));
    if (hook == "max_block_discount_percent") return wrap(host.max_block_discount_percent(tenant));
    return make_error(error_kind::bad_request, "unknown_hook", "unknown hook '" + hook + "'");
}

namespace {

fixture_case_result run_case(const plugin_host& host, const std::string& tenant, const boost::json::object& spec,
                             std::size_t index, const std::vector<std::string>& lead_lots)
{
    fixture_case_result out;
    const auto* name = spec.if_contains("name");
    const auto* hook = spec.if_contains("hook");
    out.name = name && name->is_string() ? std::string(name->get_string()) : "case " + std::to_string(index + 1);
    out.hook = hook && hook->is_string() ? std::string(hook->get_string()) : "";
    const auto* args = spec.if_contains("args");
    if (out.hook.empty() || (args && !args->is_array())) {
        out.message = "a case needs \"hook\" (a string) and optional \"args\" (an array)";
        return out;
    }
    const boost::json::array no_args;
    auto actual = call_hook(host, tenant, out.hook, args ? args->get_array() : no_args, lead_lots);
    if (const auto* expect_error = spec.if_contains("expect_error")) {
        const std::string wanted = expect_error->is_string() ? std::string(expect_error->get_string()) : "";
        if (actual)
            out.message = "expected an error containing '" + wanted + "', got " + boost::json::serialize(*actual);
        else if (actual.err().message.find(wanted) == std::string::npos)
            out.message = "error '" + actual.err().message + "' does not contain '" + wanted + "'";
        else {
            out.passed = true;
            out.message = actual.err().message;
        }
        return out;
    }
    if (!actual) {
        out.message = actual.err().message;
        return out;
    }
    const auto* expect = spec.if_contains("expect");
    if (!expect) {
        out.message = "a case needs \"expect\" or \"expect_error\"";
        return out;
    }
    std::string where;
    if (!detail::json_matches(*expect, *actual, where)) {
        out.message = where;
        return out;
    }
    // Termination cases may also state the date the platform computes from the notice period.
    if (const auto* effective = spec.if_contains("expect_effective_date")) {
        const auto& first = args && !args->get_array().empty() ? args->get_array()[0] : boost::json::value();
        const auto* given = first.is_object() ? first.get_object().if_contains("notice_given_on") : nullptr;
        const auto computed = given && given->is_string() && actual->is_int64()
                                  ? termination_effective_date(given->get_string(), static_cast<int>(actual->get_int64()))
                                  : std::nullopt;
        if (!computed || !effective->is_string() || *computed != effective->get_string()) {
            out.message = "effective date " + computed.value_or("(none: needs args[0].notice_given_on)") +
                          ", expected " + boost::json::serialize(*effective);
            return out;
        }
    }
    out.passed = true;
    out.message = boost::json::serialize(*actual);
    return out;
}

} // namespace

std::size_t fixture_report::passed() const
{
    std::size_t n = 0;
    for (const auto& c : cases)
        n += c.passed ? 1 : 0;
    return n;
}

std::size_t fixture_report::failed() const { return cases.size() - passed(); }

namespace {

result<fixture_report> run_cases(const plugin_host& host, fixture_report report, const boost::json::object& root,
                                 const std::vector<std::string>& lead_lots, const std::string& where)
{
    const auto* cases = root.if_contains("cases");
    if (!cases || !cases->is_array() || cases->get_array().empty())
        return make_error(error_kind::bad_request, "fixtures_invalid", where + ": \"cases\" must be a non-empty array");
    const auto& limits = host.limits();
    if (cases->get_array().size() > limits.max_fixture_cases)
        return make_error(error_kind::bad_request, "fixtures_invalid",
                          where + ": at most " + std::to_string(limits.max_fixture_cases) + " cases, not " +
                              std::to_string(cases->get_array().size()));
    const auto started = std::chrono::steady_clock::now();
    std::size_t index = 0;
    for (const auto& spec : cases->get_array()) {
        if (!spec.is_object())
            return make_error(error_kind::bad_request, "fixtures_invalid",
                              where + ": case " + std::to_string(index + 1) + " is not an object");
        if (std::chrono::steady_clock::now() - started > limits.fixtures_wall_time)
            return make_error(error_kind::unprocessable, "fixtures_too_slow",
                              where + ": the cases took longer than " + std::to_string(limits.fixtures_wall_time.count()) +
                                  " ms in all; stopped before case " + std::to_string(index + 1) + " of " +
                                  std::to_string(cases->get_array().size()));
        report.cases.push_back(run_case(host, report.tenant, spec.get_object(), index++, lead_lots));
    }
    return report;
}

} // namespace

result<fixture_report> run_fixtures(const std::filesystem::path& tenant_dir, const plugin_limits& limits)
{
    const auto fixtures_path = tenant_dir / "fixtures.json";
    auto parsed = read_json_file(fixtures_path);
    if (!parsed)
        return std::move(parsed).err();
    if (!parsed->is_object())
        return fixture_error(fixtures_path, "the top level must be an object");
    const boost::json::object& root = parsed->get_object();

    fixture_report report;
    const auto* tenant = root.if_contains("tenant");
    report.tenant = tenant && tenant->is_string() ? std::string(tenant->get_string())
                                                  : std::filesystem::absolute(tenant_dir).lexically_normal().filename().string();
    if (report.tenant.empty())
        report.tenant = std::filesystem::absolute(tenant_dir).lexically_normal().parent_path().filename().string();
    report.plugin_file = (tenant_dir / "plugin.lua").generic_string();

    plugin_host host(limits);
    auto installed = host.install_file(report.tenant, tenant_dir / "plugin.lua");
    if (!installed)
        return std::move(installed).err();

    // A partner's lots map onto the lead's: take the lead's codes from its own plugin.
    std::vector<std::string> lead_lots;
    if (const auto* lead = root.if_contains("lead")) {
        if (!lead->is_string())
            return fixture_error(fixtures_path, "\"lead\" must be a tenant folder name");
        const std::string lead_name(lead->get_string());
        auto lead_installed = host.install_file(lead_name, tenant_dir / ".." / lead_name / "plugin.lua");
        if (!lead_installed)
            return std::move(lead_installed).err();
        auto codes = host.lots(lead_name);
        if (!codes)
            return std::move(codes).err();
        for (const auto& lot : *codes)
            lead_lots.push_back(lot.code);
    } else if (const auto* listed = root.if_contains("lead_lots"); listed && listed->is_array()) {
        for (const auto& code : listed->get_array())
            if (code.is_string())
                lead_lots.emplace_back(code.get_string());
    }

    return run_cases(host, report, root, lead_lots, fixtures_path.string());
}

result<fixture_report> run_fixture_document(const std::string& tenant, const std::string& source, const std::string& file,
                                            const boost::json::value& fixtures, const std::vector<std::string>& lead_lots,
                                            const plugin_limits& limits)
{
    if (!fixtures.is_object())
        return make_error(error_kind::bad_request, "fixtures_invalid", "fixtures: the top level must be an object with \"cases\"");
    fixture_report report;
    report.tenant = tenant;
    report.plugin_file = file;
    plugin_host host(limits);
    auto installed = host.install(tenant, source, file);
    if (!installed)
        return std::move(installed).err();
    return run_cases(host, report, fixtures.get_object(), lead_lots, "fixtures");
}

std::string format_report(const fixture_report& report)
{
    std::ostringstream out;
    out << "fixtures for tenant '" << report.tenant << "' (" << report.plugin_file << ")\n";
    for (const auto& c : report.cases) {
        out << (c.passed ? "  PASS " : "  FAIL ") << c.name << " [" << c.hook << "]";
        if (!c.passed)
            out << ": " << c.message;
        out << '\n';
    }
    out << report.passed() << " passed, " << report.failed() << " failed\n";
    return out.str();
}

} // namespace dps::plugins
