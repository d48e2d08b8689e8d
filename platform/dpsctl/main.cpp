// dpsctl: the operator's command line, over the same services the server uses (every write audited,
// with actor "cli").
#include "opendata/ocds_service.hpp"
#include "reports/reports_service.hpp"
#include "audit/audit_service.hpp"
#include "app/application.hpp"
#include "app/demo_seed.hpp"
#include "app/version.hpp"
#include "core/clock.hpp"
#include "db/database.hpp"
#include "db/migrations.hpp"
#include "identity/identity_service.hpp"
#include "plugins/plugin_check.hpp"
#include "plugins/plugin_host.hpp"
#include "rules/rules_service.hpp"

#include <boost/json.hpp>

#include <cctype>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <algorithm>
#include <charconv>
#include <limits>
#include <map>
#include <string>
#include <sys/stat.h>

namespace {

constexpr const char* kUsage =
    "usage: dpsctl [settings] COMMAND [ARGS]\n"
    "commands:\n"
    "  migrate                                  apply pending schema migrations to DPS_DB_URL (as DPS_DB_MIGRATE_URL's owner role, if set)\n"
    "  schema-status                            show applied and pending migrations (exit 3 if behind)\n"
    "  version                                  show this build's version\n"
    "  bootstrap-operator EMAIL [NAME]          create a platform operator (if new) and print a new token once\n"
    "  tenant create SLUG NAME [--kind council|co_commissioner]\n"
    "  provider create NAME [--companies-house N] [--cqc ID] [--ofsted URN]\n"
    "  user create EMAIL NAME (--tenant SLUG | --provider ID) [--role ROLE[:AUTHORITY]]... [--password-stdin]\n"
    "  role grant EMAIL ROLE[:AUTHORITY]\n"
    "  token issue EMAIL [--days N] [--label TEXT]   print a new API token once\n"
    "  seed-demo [--seed FILE] [--out FILE]     demo councils, providers, users, plugins; tokens written to FILE\n"
    "  report dps-vs-spot --tenant SLUG --financial-year YEAR [--dps-id N] [--format json|csv]\n"
    "                                           a report as the council sees it (GET /v1/reports/dps-vs-spot)\n"
    "  export ocds --tenant SLUG --dps-id N     the DPS the council leads as an OCDS release package (GET /v1/ocds/releases)\n"
    "  audit verify [--tenant SLUG]   recompute the audit hash chains; exit 1 naming the first bad row\n"
    "  plugin check FILE                        compile and validate a tenant plugin (no database)\n"
    "  plugin test tenants/<slug>               run a tenant's fixtures.json against its plugin.lua\n\n";

int fail(const std::string& message)
{
    std::fprintf(stderr, "dpsctl: %s\n", message.c_str());
    return 1;
}

int fail(const dps::error& e) { return fail(e.message); }

// A flag's whole number in [min, max], or nothing.
std::optional<std::int64_t> whole_number(const std::string& text, std::int64_t min, std::int64_t max)
{
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || n < min || n > max) return std::nullopt;
    return n;
}

// Splits "cmd a b --flag v --flag2 v2" into positionals and repeated flags.
struct arguments {
    std::vector<std::string> positional;
    std::multimap<std::string, std::string> flags;
    std::string error;
    std::string flag(const std::string& name, const std::string& fallback = "") const
    {
        auto it = flags.find(name);
        return it == flags.end() ? fallback : it->second;
    }
};

arguments split(const std::vector<std::string>& args, const std::vector<std::string>& switches)
{
    arguments out;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i].rfind("--", 0) != 0) {
            out.positional.push_back(args[i]);
            continue;
        }
        const std::string name = args[i].substr(2);
        if (std::find(switches.begin(), switches.end(), name) != switches.end()) {
            out.flags.emplace(name, "true");
        } else if (i + 1 < args.size()) {
            out.flags.emplace(name, args[++i]);
        } else {
            out.error = "--" + name + " needs a value";
        }
    }
    return out;
}

dps::result<dps::auth::role_grant> parse_grant(dps::auth::principal_kind holder, const std::string& text)
{
    const auto colon = text.find(':');
    return dps::identity::validate_grant(holder, text.substr(0, colon), colon == std::string::npos ? "" : text.substr(colon + 1));
}

void print_token(const dps::identity::issued_token& t, const std::string& email)
{
    std::printf("token for %s (id %lld, expires %s):\n%s\n", email.c_str(), static_cast<long long>(t.info.id),
                t.info.expires_at.c_str(), t.secret.c_str());
    std::fprintf(stderr, "dpsctl: the token is shown once; store it now.\n");
}

// Local checks for tenant admins: no database needed.
int plugin_command(const std::vector<std::string>& words)
{
    if (words.size() == 3 && words[1] == "check") {
        auto report = dps::plugins::check_plugin(words[2]);
        if (!report) return fail(report.err().message);
        std::printf("%s", dps::plugins::format_check(*report).c_str());
        return 0;
    }
    if (words.size() == 3 && words[1] == "test") {
        auto report = dps::plugins::run_fixtures(words[2]);
        if (!report) return fail(report.err().message);
        std::printf("%s", dps::plugins::format_report(*report).c_str());
        return report->ok() ? 0 : 1;
    }
    return fail(std::string{"usage: dpsctl plugin check FILE | dpsctl plugin test tenants/<slug>\n"});
}

int run(const std::vector<std::string>& words, dps::db::database& db, const dps::db::database_url& url, const std::string& migrate_url,
        const std::string& ocds_prefix)
{
    dps::system_clock clock;
    const std::string& command = words.front();
    if (command == "migrate") {
        auto applied = dps::app::migrate_database(db, migrate_url, clock);
        if (!applied) return fail(applied.err().message + (applied.err().detail.empty() ? "" : " (" + applied.err().detail + ")"));
        if (applied->empty()) std::printf("%s: schema is up to date\n", url.redacted.c_str());
        for (int v : *applied) std::printf("%s: applied migration %d\n", url.redacted.c_str(), v);
        return 0;
    }
    auto state = dps::db::inspect_schema(db, dps::db::embedded_migrations());
    if (!state) return fail(state.err());
    if (command == "schema-status") {
        std::printf("database: %s\ncurrent: %d\nlatest: %d\npending: %zu\n", url.redacted.c_str(), state->current, state->latest,
                    state->pending.size());
        return state->up_to_date() ? 0 : 3;
    }
    if (!state->up_to_date()) return fail("the database schema is behind this build: run 'dpsctl migrate' first");

    dps::identity::identity_service ids(db, clock);
    const dps::identity::acting cli{nullptr, "cli"};
    const std::vector<std::string> rest(words.begin() + 1, words.end());
    auto args = split(rest, {"password-stdin"});
    if (!args.error.empty()) return fail(args.error);
    const auto& pos = args.positional;

    if (command == "bootstrap-operator" && pos.size() >= 1) {
        auto existing = ids.find_user_by_email(cli, pos[0]);
        dps::result<dps::identity::user> op = existing ? existing
                                                       : ids.create_operator(cli, {pos[0], pos.size() > 1 ? pos[1] : "Platform operator", std::nullopt, {}});
        if (!op) return fail(op.err());
        if (op->kind != dps::auth::principal_kind::operator_) return fail(pos[0] + " exists and is not an operator");
        auto token = ids.issue_token(cli, op->id, "bootstrap", 90);
        if (!token) return fail(token.err());
        print_token(*token, op->email);
        return 0;
    }
    if (command == "tenant" && pos.size() == 3 && pos[0] == "create") {
        auto t = ids.create_tenant(cli, pos[1], pos[2], args.flag("kind", "council"));
        if (!t) return fail(t.err());
        std::printf("%s\n", boost::json::serialize(dps::identity::to_json(*t)).c_str());
        return 0;
    }
    if (command == "provider" && pos.size() == 2 && pos[0] == "create") {
        dps::identity::provider_org input;
        input.name = pos[1];
        if (args.flags.count("companies-house")) input.companies_house_number = args.flag("companies-house");
        if (args.flags.count("cqc")) input.cqc_provider_id = args.flag("cqc");
        if (args.flags.count("ofsted")) input.ofsted_urn = args.flag("ofsted");
        auto p = ids.create_provider(cli, input);
        if (!p) return fail(p.err());
        std::printf("%s\n", boost::json::serialize(dps::identity::to_json(*p)).c_str());
        return 0;
    }
    if (command == "user" && pos.size() == 3 && pos[0] == "create") {
        const bool council = args.flags.count("tenant") > 0;
        if (council == (args.flags.count("provider") > 0)) return fail("give exactly one of --tenant SLUG or --provider ID");
        const auto holder = council ? dps::auth::principal_kind::council : dps::auth::principal_kind::provider;
        dps::identity::new_user input{pos[1], pos[2], std::nullopt, {}};
        auto [from, to] = args.flags.equal_range("role");
        for (auto it = from; it != to; ++it) {
            auto g = parse_grant(holder, it->second);
            if (!g) return fail(g.err());
            input.roles.push_back(*g);
        }
        if (args.flags.count("password-stdin")) {
            std::string password;
            std::getline(std::cin, password);
            input.password = password;
        }
        dps::result<dps::identity::user> u = dps::make_error(dps::error_kind::not_found, "not_found", "no such tenant");
        if (council) {
            auto tenants = ids.list_tenants(cli);
            if (!tenants) return fail(tenants.err());
            for (const auto& t : *tenants)
                if (t.slug == args.flag("tenant")) u = ids.create_council_user(cli, t.id, input);
        } else {
            try {
                u = ids.create_provider_user(cli, std::stoll(args.flag("provider")), input);
            } catch (const std::exception&) {
                return fail("--provider needs a numeric provider organisation id");
            }
        }
        if (!u) return fail(u.err());
        std::printf("%s\n", boost::json::serialize(dps::identity::to_json(*u)).c_str());
        return 0;
    }
    if (command == "role" && pos.size() == 3 && pos[0] == "grant") {
        auto u = ids.find_user_by_email(cli, pos[1]);
        if (!u) return fail(u.err());
        auto g = parse_grant(u->kind, pos[2]);
        if (!g) return fail(g.err());
        auto updated = ids.grant_role(cli, u->id, *g);
        if (!updated) return fail(updated.err());
        std::printf("%s\n", boost::json::serialize(dps::identity::to_json(*updated)).c_str());
        return 0;
    }
    if (command == "token" && pos.size() == 2 && pos[0] == "issue") {
        auto u = ids.find_user_by_email(cli, pos[1]);
        if (!u) return fail(u.err());
        int days = 90;
        try {
            days = std::stoi(args.flag("days", "90"));
        } catch (const std::exception&) {
            return fail("--days needs a number of days");
        }
        auto token = ids.issue_token(cli, u->id, args.flag("label", "cli"), days);
        if (!token) return fail(token.err());
        print_token(*token, u->email);
        return 0;
    }
    // --tenant SLUG as the council itself: what it would see through the API.
    auto council_of = [&]() -> dps::result<dps::auth::principal> {
        auto tenants = ids.list_tenants(cli);
        if (!tenants) return tenants.err();
        const auto slug = args.flag("tenant");
        auto t = std::find_if(tenants->begin(), tenants->end(), [&](const auto& x) { return x.slug == slug; });
        if (t == tenants->end()) return dps::make_error(dps::error_kind::not_found, "not_found", "no tenant '" + slug + "' (give --tenant SLUG)");
        dps::auth::principal council;
        council.tenant_id = t->id;
        council.email = "dpsctl";
        return council;
    };
    if (command == "export" && pos.size() == 1 && pos[0] == "ocds") {
        auto council = council_of();
        if (!council) return fail(council.err());
        const auto dps_id = whole_number(args.flag("dps-id"), 1, std::numeric_limits<std::int64_t>::max());
        if (!dps_id) return fail("--dps-id: the id of a DPS the council leads");
        dps::opendata::ocds_service ocds(db, ocds_prefix, clock);
        auto package = ocds.release_package({&*council, "cli"}, *dps_id);
        if (!package) return fail(package.err());
        std::printf("%s\n", boost::json::serialize(*package).c_str());
        return 0;
    }
    if (command == "report" && pos.size() == 1 && pos[0] == "dps-vs-spot") {
        // As the council would see it: its own call-offs and, on the DPSs it leads, its partners'.
        auto council = council_of();
        if (!council) return fail(council.err());
        const auto year = whole_number(args.flag("financial-year"), 2000, 2100);
        if (!year) return fail("--financial-year: the year it starts in, 2000 to 2100 (2025 is April 2025 to March 2026)");
        std::optional<std::int64_t> dps_id;
        if (args.flags.count("dps-id")) {
            auto d = whole_number(args.flag("dps-id"), 1, std::numeric_limits<std::int64_t>::max());
            if (!d) return fail("--dps-id: a DPS's id");
            dps_id = *d;
        }
        const auto format = args.flag("format", "json");
        if (format != "json" && format != "csv") return fail("--format: json or csv");
        dps::reports::reports_service reports(db);
        auto r = reports.dps_vs_spot({&*council, "cli"}, static_cast<int>(*year), dps_id);
        if (!r) return fail(r.err());
        if (format == "csv") {
            const auto csv = dps::reports::to_csv(*r);
            std::fwrite(csv.data(), 1, csv.size(), stdout);
        } else std::printf("%s\n", boost::json::serialize(dps::reports::to_json(*r)).c_str());
        return 0;
    }
    if (command == "audit" && pos.size() == 1 && pos[0] == "verify") {
        dps::audit::audit_service audit(db);
        dps::result<dps::audit::verify_report> report = dps::make_error(dps::error_kind::internal, "unset", "unset");
        if (args.flags.count("tenant")) {
            auto tenants = ids.list_tenants(cli);
            if (!tenants) return fail(tenants.err());
            const auto slug = args.flag("tenant");
            auto t = std::find_if(tenants->begin(), tenants->end(), [&](const auto& x) { return x.slug == slug; });
            if (t == tenants->end()) return fail("no tenant '" + slug + "'");
            report = audit.verify_tenant(t->id);
        } else {
            report = audit.verify_all();
        }
        if (!report) return fail(report.err());
        std::int64_t rows = 0;
        for (const auto& c : report->chains) {
            rows += c.rows;
            if (c.problem) std::printf("%s: BROKEN at %s\n", c.chain_key.c_str(), c.problem->c_str());
            else std::printf("%s: %lld rows, head %s\n", c.chain_key.c_str(), static_cast<long long>(c.rows), c.head_hash.c_str());
        }
        for (const auto& p : report->problems) std::printf("BROKEN: %s\n", p.c_str());
        std::printf("%s: %zu chains, %lld chained rows, %lld rows from before the chain began\n",
                    report->ok() ? "audit chain verified" : "audit chain BROKEN", report->chains.size(),
                    static_cast<long long>(rows), static_cast<long long>(report->unchained));
        return report->ok() ? 0 : 1;
    }
    if (command == "seed-demo" && pos.empty()) {
        dps::plugins::plugin_host host;
        dps::rules::rules_service rules(db, clock, host);
        if (auto loaded = rules.load_active(); !loaded) return fail(loaded.err());
        auto tokens = dps::app::seed_demo(ids, rules, args.flag("seed", "tenants/demo-seed.json"));
        if (!tokens) return fail(tokens.err());
        const std::string out = args.flag("out", "var/demo-tokens.json");
        {
            const auto old_mask = ::umask(077); // the file holds live tokens
            std::ofstream file(out, std::ios::trunc);
            ::umask(old_mask);
            if (!file) return fail("cannot write " + out);
            file << boost::json::serialize(*tokens) << "\n";
        }
        // The same tokens as shell variables (NEWHAM_COMMISSIONER=…), for `source var/demo-tokens.env`.
        const std::string env_out = out.substr(0, out.rfind('.')) + ".env";
        {
            const auto old_mask = ::umask(077);
            std::ofstream file(env_out, std::ios::trunc);
            ::umask(old_mask);
            if (!file) return fail("cannot write " + env_out);
            auto name = [](std::string text) {
                for (auto& c : text) c = std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : '_';
                return text;
            };
            for (const auto& [key, value] : *tokens) {
                if (value.is_string()) file << name(std::string{key}) << "=" << value.as_string().c_str() << "\n";
                if (!value.is_object() || key == "password_login") continue;
                for (const auto& [inner, v] : value.as_object()) {
                    if (key == "providers") {
                        for (const auto& [role, t] : v.as_object())
                            file << name(std::string{inner}) << "_" << name(std::string{role}) << "="
                                 << (t.is_string() ? std::string{t.as_string()} : std::to_string(t.as_int64())) << "\n";
                    } else if (v.is_string()) {
                        file << name(std::string{key}) << "_" << name(std::string{inner}) << "=" << v.as_string().c_str() << "\n";
                    }
                }
            }
        }
        std::printf("demo data ready; tokens written to %s and %s\n", out.c_str(), env_out.c_str());
        return 0;
    }
    return fail("unknown command or wrong arguments: " + command + "\n" + kUsage);
}

} // namespace

int main(int argc, char** argv)
{
    auto parsed = dps::parse_config({argv + 1, argv + argc}, dps::process_environment(), true);
    if (!parsed) {
        std::fprintf(stderr, "dpsctl: %s\n", parsed.err().message.c_str());
        return 2;
    }
    if (parsed->help || parsed->positional.empty()) {
        std::printf("%s%s", kUsage, parsed->help_text.c_str());
        return parsed->help ? 0 : 2;
    }
    if (parsed->positional.front() == "version") {
        std::printf("dpsctl %s\n", dps::app::kVersion);
        return 0;
    }
    if (parsed->positional.front() == "plugin") return plugin_command(parsed->positional);
    auto url = dps::db::parse_database_url(parsed->settings.db_url);
    if (!url) return fail(url.err().message);
    dps::db::database db(*url, 1);
    return run(parsed->positional, db, *url, parsed->settings.db_migrate_url, parsed->settings.ocds_prefix);
}
