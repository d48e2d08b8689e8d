// Scratch databases: a temporary SQLite file, or CREATE DATABASE on the test cluster.
#include "support/test_database.hpp"

#include "core/digest.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

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

// postgresql://user@host:port/postgres → same URL naming another database.
std::string with_database(const std::string& url, const std::string& database)
{
    auto scheme_end = url.find("://");
    auto slash = url.find('/', scheme_end + 3);
    auto query = url.find('?', scheme_end + 3);
    std::string base = url.substr(0, slash == std::string::npos ? query : slash);
    std::string tail = query == std::string::npos ? "" : url.substr(query);
    return base + "/" + database + tail;
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
    } else {
        name_ = "dps_t_" + suffix;
        admin_exec("CREATE DATABASE " + name_);
        url_ = with_database(admin_url(), name_);
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
