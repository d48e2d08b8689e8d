// The database a test runs against: chosen by DPS_TEST_DB (sqlite or postgresql), fresh for each test.
// PostgreSQL tests need DPS_TEST_PG_URL (an admin URL, e.g. postgresql://dps@127.0.0.1:PORT/postgres);
// without it they fail rather than skip, so a missing server is never mistaken for a pass.
#pragma once

#include "db/database_url.hpp"

#include <string>

namespace dps::test {

db::backend backend_under_test();

class scratch_database {
public:
    scratch_database();  // creates an empty database (SQLite file, or PostgreSQL database)
    ~scratch_database(); // drops it
    scratch_database(const scratch_database&) = delete;
    scratch_database& operator=(const scratch_database&) = delete;

    const std::string& url() const { return url_; }             // the runtime role (dps_app on PostgreSQL)
    const std::string& owner_url() const { return owner_url_; } // the schema owner, who migrates (the same file on SQLite)
    const std::string& name() const { return name_; } // PostgreSQL database name, or SQLite file
    db::backend kind() const { return kind_; }

    // Runs a statement as the PostgreSQL admin (outage simulation, role checks).
    static void admin_exec(const std::string& sql);

private:
    db::backend kind_;
    std::string url_;
    std::string owner_url_;
    std::string name_;
};

} // namespace dps::test
