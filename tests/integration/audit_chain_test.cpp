// The audit hash chain on the database under test: what dpsd writes verifies; a row changed or
// removed by the schema owner (who alone can get past the append-only triggers) is named; two
// connection pools writing one chain at once never fork it.
#include "audit/audit_service.hpp"
#include "audit/audit_store.hpp"
#include "db/database.hpp"
#include "db/database_url.hpp"
#include "identity/identity_service.hpp"
#include "support/test_platform.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <atomic>
#include <thread>

using namespace dps;

namespace {

std::string first_problem(const audit::verify_report& r)
{
    for (const auto& c : r.chains)
        if (c.problem) return c.chain_key + ": " + *c.problem;
    return r.problems.empty() ? "" : r.problems.front();
}

// As the schema owner, with the append-only trigger out of the way for this one statement: what an
// insider with the owner's password could do, and what verify must catch.
void as_owner_bypassing_triggers(test::test_platform& platform, const std::string& statement)
{
    auto url = db::parse_database_url(platform.database().owner_url());
    ASSERT_TRUE(url.ok());
    db::database owner(*url, 1);
    const bool pg = owner.kind() == db::backend::postgresql;
    auto done = owner.transact(db::scope::platform(), [&](soci::session& sql) -> status {
        if (pg) sql << "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update";
        else {
            sql << "DROP TRIGGER audit_log_no_update";
            sql << "DROP TRIGGER audit_log_no_delete";
        }
        sql << statement;
        if (pg) sql << "ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update";
        return ok_status();
    });
    ASSERT_TRUE(done.ok()) << done.err().detail;
}

std::int64_t tenant_row_at(test::test_platform& platform, std::int64_t tenant_id, int seq)
{
    long long id = 0;
    auto s = platform.app().database().read(db::scope::platform(), [&](soci::session& sql) -> status {
        const std::string key = "tenant:" + std::to_string(tenant_id);
        sql << "SELECT id FROM audit_log WHERE chain_key = :k AND chain_seq = :s", soci::use(key), soci::use(seq), soci::into(id);
        return ok_status();
    });
    EXPECT_TRUE(s.ok());
    return id;
}

struct chain_fixture : ::testing::Test {
    test::test_platform platform;
    identity::acting cli{nullptr, "audit-test"};
    std::int64_t tenant = 0;
    void SetUp() override
    {
        auto& ids = platform.app().identity();
        auto t = ids.create_tenant(cli, "chain-council", "Chain Council", "council");
        ASSERT_TRUE(t.ok());
        tenant = t->id;
        for (int i = 0; i < 3; ++i) {
            auto u = ids.create_council_user(cli, tenant, {"officer" + std::to_string(i) + "@chain.example", "Officer", std::nullopt, {}});
            ASSERT_TRUE(u.ok()) << u.err().message;
        }
    }
    audit::audit_service audit{platform.app().database()};
};

} // namespace

TEST_F(chain_fixture, WhatDpsdWritesVerifies)
{
    auto all = audit.verify_all();
    ASSERT_TRUE(all.ok());
    EXPECT_TRUE(all->ok()) << first_problem(*all);
    EXPECT_EQ(all->unchained, audit::kChainSinceVersion - 1) << "the schema.migrate rows of the migrations before the chain";
    auto one = audit.verify_tenant(tenant);
    ASSERT_TRUE(one.ok());
    EXPECT_TRUE(one->ok()) << first_problem(*one);
    ASSERT_EQ(one->chains.size(), 1u);
    EXPECT_GE(one->chains[0].rows, 4); // the tenant and three users
}

TEST_F(chain_fixture, ARowChangedByTheOwnerIsNamed)
{
    const auto victim = tenant_row_at(platform, tenant, 2);
    ASSERT_GT(victim, 0);
    as_owner_bypassing_triggers(platform, "UPDATE audit_log SET actor = 'user:999' WHERE id = " + std::to_string(victim));
    auto report = audit.verify_all();
    ASSERT_TRUE(report.ok());
    EXPECT_FALSE(report->ok());
    EXPECT_EQ(first_problem(*report), "tenant:" + std::to_string(tenant) + ": row " + std::to_string(victim) +
                                          " (position 2): its content does not match its hash (the row was changed)");
}

TEST_F(chain_fixture, ARowRemovedByTheOwnerIsNamed)
{
    const auto victim = tenant_row_at(platform, tenant, 2);
    const auto next = tenant_row_at(platform, tenant, 3);
    as_owner_bypassing_triggers(platform, "DELETE FROM audit_log WHERE id = " + std::to_string(victim));
    auto report = audit.verify_tenant(tenant);
    ASSERT_TRUE(report.ok());
    EXPECT_EQ(first_problem(*report), "tenant:" + std::to_string(tenant) + ": row " + std::to_string(next) +
                                          " (position 3): position 2 is missing (a row was removed)");
}

TEST_F(chain_fixture, TwoPoolsWritingOneChainAtOnceNeverForkIt)
{
    // Two servers on one database: two pools, four writers each, one tenant's chain.
    auto url = db::parse_database_url(platform.database().url());
    ASSERT_TRUE(url.ok());
    db::database first(*url, 4), second(*url, 4);
    constexpr int kPerWriter = 15;
    std::atomic<int> failed{0};
    std::vector<std::thread> writers;
    for (int w = 0; w < 8; ++w)
        writers.emplace_back([&, w] {
            auto& pool = w % 2 ? first : second;
            for (int i = 0; i < kPerWriter; ++i) {
                auto s = pool.transact(db::scope::tenant(tenant), [&](soci::session& sql) -> status {
                    audit::record(sql, audit::entry{"user:1", tenant, std::nullopt, "test.write", "test", std::to_string(w * 100 + i),
                                                    "-", "{}", std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now())});
                    return ok_status();
                });
                if (!s.ok()) ++failed;
            }
        });
    for (auto& t : writers) t.join();
    EXPECT_EQ(failed.load(), 0);
    auto report = audit.verify_tenant(tenant);
    ASSERT_TRUE(report.ok());
    EXPECT_TRUE(report->ok()) << first_problem(*report);
    ASSERT_EQ(report->chains.size(), 1u);
    EXPECT_EQ(report->chains[0].rows, 4 + 8 * kPerWriter);
}
