// dpsctl: the operator's command line. Sub-commands: migrate, schema-status, version.
#include "app/application.hpp"
#include "app/version.hpp"
#include "core/clock.hpp"
#include "db/database.hpp"
#include "db/migrations.hpp"

#include <cstdio>
#include <string>

namespace {

constexpr const char* kUsage =
    "usage: dpsctl [settings] COMMAND\n"
    "commands:\n"
    "  migrate         apply pending schema migrations to DPS_DB_URL\n"
    "  schema-status   show applied and pending migrations\n"
    "  version         show this build's version\n\n";

int fail(const std::string& message)
{
    std::fprintf(stderr, "dpsctl: %s\n", message.c_str());
    return 1;
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
    const std::string command = parsed->positional.front();
    if (command == "version") {
        std::printf("dpsctl %s\n", dps::app::kVersion);
        return 0;
    }
    auto url = dps::db::parse_database_url(parsed->settings.db_url);
    if (!url) return fail(url.err().message);
    dps::db::database db(*url, 1);

    if (command == "migrate") {
        dps::system_clock clock;
        auto applied = dps::app::migrate_database(db, clock);
        if (!applied) return fail(applied.err().message + (applied.err().detail.empty() ? "" : " (" + applied.err().detail + ")"));
        if (applied->empty()) std::printf("%s: schema is up to date\n", url->redacted.c_str());
        for (int v : *applied) std::printf("%s: applied migration %d\n", url->redacted.c_str(), v);
        return 0;
    }
    if (command == "schema-status") {
        auto state = dps::db::inspect_schema(db, dps::db::embedded_migrations());
        if (!state) return fail(state.err().message);
        std::printf("database: %s\ncurrent: %d\nlatest: %d\npending: %zu\n", url->redacted.c_str(), state->current,
                    state->latest, state->pending.size());
        return state->up_to_date() ? 0 : 3;
    }
    return fail("unknown command '" + command + "'\n" + kUsage);
}
