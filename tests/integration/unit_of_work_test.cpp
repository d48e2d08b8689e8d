// One request, one unit of work: transactions nest as savepoints, an idempotent creation and its
// key commit together, and a COMMIT whose answer was lost is never silently run again (issue 15,
// defects 3 and 6). Real databases; the lost COMMIT through a real TCP proxy in front of PostgreSQL.
#include "calloff/idempotency.hpp"
#include "core/clock.hpp"
#include "db/database.hpp"
#include "identity/identity_service.hpp"
#include "support/https_client.hpp"
#include "support/manual_clock.hpp"
#include "support/tcp_proxy.hpp"
#include "support/test_database.hpp"
#include "support/test_platform.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <condition_variable>
#include <mutex>
#include <regex>
#include <thread>
#include <stdexcept>

using namespace dps;
using namespace std::chrono;

namespace {

const identity::acting kSystem{nullptr, "unit-of-work-test"};

std::int64_t count(db::database& db, const std::string& query)
{
    long long n = -1;
    auto done = db.transact(db::scope::platform(), [&](soci::session& sql) -> status {
        sql << query, soci::into(n);
        return ok_status();
    });
    EXPECT_TRUE(done.ok());
    return n;
}

} // namespace

TEST(unit_of_work, NestedUnitsCommitTogetherAndARefusedStepUndoesOnlyItself)
{
    test::test_platform platform;
    auto& db = platform.app().database();
    auto& ids = platform.app().identity();
    // The outer unit fails after an inner one succeeded: neither is kept.
    auto failed = db.transact(db::scope::platform(), [&](soci::session&) -> status {
        EXPECT_TRUE(ids.create_tenant(kSystem, "inner-one", "Inner One", "council").ok());
        return make_error(error_kind::conflict, "later_step_failed", "a later step failed");
    });
    EXPECT_FALSE(failed.ok());
    EXPECT_EQ(count(db, "SELECT count(*) FROM tenants WHERE slug = 'inner-one'"), 0);
    // An inner refusal (a duplicate slug) undoes that step only; the unit goes on and commits the rest.
    ASSERT_TRUE(ids.create_tenant(kSystem, "taken", "Taken", "council").ok());
    auto mixed = db.transact(db::scope::platform(), [&](soci::session&) -> status {
        auto dup = ids.create_tenant(kSystem, "taken", "Taken again", "council");
        EXPECT_FALSE(dup.ok());
        EXPECT_EQ(dup.err().code, "already_exists");
        EXPECT_TRUE(ids.create_tenant(kSystem, "kept", "Kept", "council").ok());
        return ok_status();
    });
    EXPECT_TRUE(mixed.ok()) << (mixed ? "" : mixed.err().message);
    EXPECT_EQ(count(db, "SELECT count(*) FROM tenants WHERE slug IN ('taken', 'kept')"), 2);
    // A bug (an exception) in an inner step rolls the whole unit back.
    auto buggy = db.transact(db::scope::platform(), [&](soci::session&) -> status {
        EXPECT_TRUE(ids.create_tenant(kSystem, "before-bug", "Before", "council").ok());
        auto inner = db.transact(db::scope::platform(), [&](soci::session&) -> status { throw std::runtime_error("bug"); });
        EXPECT_FALSE(inner.ok());
        return ok_status();
    });
    EXPECT_FALSE(buggy.ok());
    EXPECT_EQ(count(db, "SELECT count(*) FROM tenants WHERE slug = 'before-bug'"), 0);
}

// Defect 6: the key was reserved and settled in transactions of its own, so a process that stopped
// after the creation committed left the key pending, and a retry a minute later created again.
TEST(unit_of_work, AnIdempotentCreationThatDiesBeforeItsAnswerIsSavedLeavesNothingBehind)
{
    auto clock = std::make_shared<test::manual_clock>(sys_days{year{2024} / March / 1} + hours{12});
    test::test_platform platform({}, {}, clock);
    auto& db = platform.app().database();
    auto& ids = platform.app().identity();
    auto tenant = ids.create_tenant(kSystem, "newham", "Newham", "council");
    auto grant = identity::validate_grant(auth::principal_kind::council, "commissioner", "");
    auto user = ids.create_council_user(kSystem, tenant->id, {"c@newham.test", "C", std::nullopt, {*grant}});
    ASSERT_TRUE(user.ok());
    auth::principal caller;
    caller.user_id = user->id;
    caller.tenant_id = tenant->id;
    http::request req;
    req.method = "POST";
    req.path = "/v1/providers";
    req.body = "{}";
    req.headers = {{"idempotency-key", "create-once"}};

    calloff::idempotency once(db, *clock);
    int runs = 0;
    auto create = [&](bool die) {
        return [&, die]() -> http::response {
            ++runs;
            auto made = ids.create_provider(kSystem, {0, "Made Once", std::nullopt, std::nullopt, std::nullopt, "", ""});
            EXPECT_TRUE(made.ok());
            if (die) throw std::runtime_error("the process stops here, before the answer is kept");
            return http::response{201, "application/json", "{\"id\":" + std::to_string(made->id) + "}", {}, false};
        };
    };
    try {
        auto first = once.run(req, caller, create(true));
        EXPECT_GE(first.status, 500);
    } catch (const std::exception&) {
        // before the fix the failure escaped; either way nothing must be left half-done
    }
    clock->set(clock->now() + seconds{61});
    auto retried = once.run(req, caller, create(false));
    EXPECT_EQ(retried.status, 201) << retried.body;
    auto replayed = once.run(req, caller, create(false));
    EXPECT_EQ(replayed.body, retried.body);
    EXPECT_EQ(runs, 2) << "the replay ran nothing";
    EXPECT_EQ(count(db, "SELECT count(*) FROM provider_organisations WHERE name = 'Made Once'"), 1);
    EXPECT_EQ(count(db, "SELECT count(*) FROM idempotency_keys WHERE state = 'done'"), 1);
}

// Defect 3: a connection lost after PostgreSQL committed, before its answer arrived, was retried as if
// nothing had run: 201 once, two rows. Now 503 commit_outcome_unknown, and exactly one row.
TEST(PostgresqlOnly, ACommitWhoseAnswerIsLostIsNeverRunTwice)
{
    ASSERT_EQ(test::backend_under_test(), db::backend::postgresql);
    std::unique_ptr<test::tcp_proxy> proxy;
    test::test_platform platform([&](config& cfg) {
        std::smatch m;
        ASSERT_TRUE(std::regex_search(cfg.db_url, m, std::regex{R"(:([0-9]+)/)"})) << cfg.db_url;
        proxy = std::make_unique<test::tcp_proxy>(static_cast<unsigned short>(std::stoi(m[1].str())));
        cfg.db_url = std::regex_replace(cfg.db_url, std::regex{R"(:[0-9]+/)"}, ":" + std::to_string(proxy->port()) + "/",
                                        std::regex_constants::format_first_only);
    });
    auto& ids = platform.app().identity();
    auto tenant = ids.create_tenant(kSystem, "newham", "Newham", "council");
    auto grant = identity::validate_grant(auth::principal_kind::council, "commissioner", "");
    auto user = ids.create_council_user(kSystem, tenant->id, {"c@newham.test", "C", std::nullopt, {*grant}});
    const auto token = ids.issue_token(kSystem, user->id, "t", 1)->secret;
    test::https_client client(platform.port());
    const boost::json::object body{{"title", "Newham DPS"}, {"category", "children's care"}, {"regime", "pcr2015_reg34"},
                                   {"term_starts_on", "2026-02-01"}, {"term_ends_on", "2030-03-08"}};
    const test::header_list headers{{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token}};

    proxy->drop_after_commit_following("INSERT INTO dps_systems");
    auto lost = client.send("POST", "/v1/dps", boost::json::serialize(body), headers);
    EXPECT_EQ(proxy->drops(), 1);
    EXPECT_EQ(lost.status, 503) << lost.body;
    EXPECT_EQ(lost.json().at("error").at("code"), "commit_outcome_unknown");
    EXPECT_EQ(count(platform.app().database(), "SELECT count(*) FROM dps_systems"), 1) << "committed once, never re-run";
    // The server goes on: the broken connection left the pool, the next request succeeds.
    auto next = client.send("POST", "/v1/dps", boost::json::serialize(body), headers);
    EXPECT_EQ(next.status, 201) << next.body;
    EXPECT_EQ(count(platform.app().database(), "SELECT count(*) FROM dps_systems"), 2);
}

// Issue 11: a read-only unit never waits on a writer (SQLite: a deferred transaction, where
// BEGIN IMMEDIATE would queue behind the open write for busy_timeout and then fail), and on
// PostgreSQL it is READ ONLY, so a write that slipped into a read is refused and leaves nothing.
TEST(unit_of_work, AReadRunsBesideAnOpenWriteAndCannotWrite)
{
    test::test_platform platform;
    auto& db = platform.app().database();
    auto& ids = platform.app().identity();
    std::mutex m;
    std::condition_variable cv;
    bool writing = false, read_done = false;
    std::thread writer([&] {
        auto done = db.transact(db::scope::platform(), [&](soci::session&) -> status {
            EXPECT_TRUE(ids.create_tenant(kSystem, "held-open", "Held Open", "council").ok());
            std::unique_lock lock{m};
            writing = true;
            cv.notify_all();
            cv.wait_for(lock, seconds{10}, [&] { return read_done; }); // hold the write lock until the read is done
            return ok_status();
        });
        EXPECT_TRUE(done.ok());
    });
    {
        std::unique_lock lock{m};
        ASSERT_TRUE(cv.wait_for(lock, seconds{10}, [&] { return writing; }));
    }
    const auto started = steady_clock::now();
    long long tenants = -1;
    auto read = db.read(db::scope::platform(), [&](soci::session& sql) -> status {
        sql << "SELECT count(*) FROM tenants WHERE slug = 'held-open'", soci::into(tenants);
        return ok_status();
    });
    const auto waited = duration_cast<milliseconds>(steady_clock::now() - started);
    {
        std::lock_guard lock{m};
        read_done = true;
    }
    cv.notify_all();
    writer.join();
    ASSERT_TRUE(read.ok()) << read.err().message << " " << read.err().detail;
    EXPECT_EQ(tenants, 0) << "the writer's row is not committed yet";
    EXPECT_LT(waited.count(), 2000) << "the read queued behind the writer";
    EXPECT_EQ(count(db, "SELECT count(*) FROM tenants WHERE slug = 'held-open'"), 1);

    if (db.kind() == db::backend::postgresql) {
        auto wrote = db.read(db::scope::platform(), [&](soci::session&) -> status {
            return ids.create_tenant(kSystem, "read-only-write", "Read Only Write", "council").transform([](const auto&) { return ok_t{}; });
        });
        EXPECT_FALSE(wrote.ok()) << "a write inside a read-only unit must be refused";
        EXPECT_EQ(count(db, "SELECT count(*) FROM tenants WHERE slug = 'read-only-write'"), 0);
    }
}
