// Scratch databases: a temporary SQLite file, or CREATE DATABASE on the test cluster.
#include "support/test_database.hpp"

#include "core/digest.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <libpq-fe.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace dps::test {
namespace {

std::string env(const char* name)
{
    const char* v = std::getenv(name);
    return v ? v : "";
}

std::string admin_url()
{
    auto url = env("DPS_TEST_PG_URL");
    if (url.empty())
        throw std::runtime_error("DPS_TEST_DB=postgresql but DPS_TEST_PG_URL is not set: run the tests with scripts/test");
    return url;
}

// The admin URL's host and port, for an unprivileged role on another database. The platform must
// not connect as a superuser (superusers bypass row-level security), nor as the schema's owner
// (who can disable the audit log's triggers): dps_owner owns the database, dps_app runs the tests.
std::string role_url(const std::string& admin, const std::string& role, const std::string& database)
{
    char* problem = nullptr;
    PQconninfoOption* options = PQconninfoParse(admin.c_str(), &problem);
    if (!options) throw std::runtime_error("DPS_TEST_PG_URL is not a PostgreSQL URL");
    std::string host = "127.0.0.1", port = "5432";
    for (auto* o = options; o->keyword; ++o) {
        if (!o->val) continue;
        if (std::string{o->keyword} == "host") host = o->val;
        if (std::string{o->keyword} == "port") port = o->val;
    }
    PQconninfoFree(options);
    return "postgresql://" + role + "@" + host + ":" + port + "/" + database;
}

} // namespace

db::backend backend_under_test()
{
    auto which = env("DPS_TEST_DB");
    if (which.empty() || which == "sqlite") return db::backend::sqlite;
    if (which == "postgresql") return db::backend::postgresql;
    throw std::runtime_error("DPS_TEST_DB must be sqlite or postgresql, not '" + which + "'");
}

void scratch_database::admin_exec(const std::string& sql)
{
    auto url = db::parse_database_url(admin_url());
    if (!url) throw std::runtime_error(url.err().message);
    soci::session admin(*soci::factory_postgresql(), url->connect_string);
    admin << "SET client_min_messages = warning";
    admin << sql;
}

scratch_database::scratch_database() : kind_(backend_under_test())
{
    const std::string suffix = random_hex(6);
    if (kind_ == db::backend::sqlite) {
        auto dir = std::filesystem::temp_directory_path() / "dps-test-db";
        std::filesystem::create_directories(dir);
        name_ = (dir / ("t_" + suffix + ".db")).string();
        url_ = "sqlite:" + name_;
        owner_url_ = url_;
    } else {
        name_ = "dps_t_" + suffix;
        for (const char* role : {"dps_owner", "dps_app"})
            admin_exec(std::string{"DO $$ BEGIN CREATE ROLE "} + role + " LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB; "
                       "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$");
        admin_exec("CREATE DATABASE " + name_ + " OWNER dps_owner");
        url_ = role_url(admin_url(), "dps_app", name_);
        owner_url_ = role_url(admin_url(), "dps_owner", name_);
    }
}

scratch_database::~scratch_database()
{
    try {
        if (kind_ == db::backend::sqlite) {
            for (const char* ext : {"", "-wal", "-shm"}) std::filesystem::remove(name_ + ext);
        } else {
            admin_exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
        }
    } catch (const std::exception&) {
        // A leftover scratch database is harmless; the test cluster is thrown away.
    }
}

} // namespace dps::test
