// The audit hash chain's walk: an intact chain passes; a changed, removed, reordered or appended
// row, a head changed by hand, and an unchained row written after chaining began are each named.
#include "audit/audit_chain.hpp"

#include <gtest/gtest.h>

using namespace dps;
using audit::chained_row;

namespace {

// A chain of n rows for tenant 7, hashed as the store would.
std::vector<chained_row> chain(int n, const std::string& key = "tenant:7")
{
    std::vector<chained_row> rows;
    std::string prev = audit::kGenesisHash;
    for (int i = 1; i <= n; ++i) {
        chained_row r;
        r.id = 100 + i;
        r.chain_key = key;
        r.seq = i;
        r.prev_hash = prev;
        r.occurred_at = "2026-12-03T10:00:0" + std::to_string(i) + "Z";
        r.actor = "user:4";
        r.tenant_id = 7;
        r.action = "call_off.publish";
        r.entity_type = "call_off";
        r.entity_id = std::to_string(i);
        r.request_id = "r" + std::to_string(i);
        r.payload_digest = std::string(64, 'a');
        r.row_hash = audit::hash_of(r);
        prev = r.row_hash;
        rows.push_back(r);
    }
    return rows;
}

std::vector<audit::head> head_of(const std::vector<chained_row>& rows)
{
    return {{rows.back().chain_key, rows.back().seq, rows.back().row_hash}};
}

std::string problem(const audit::verify_report& r)
{
    for (const auto& c : r.chains)
        if (c.problem) return *c.problem;
    return r.problems.empty() ? "" : r.problems.front();
}

} // namespace

TEST(AuditChain, CanonicalBytesAreLengthPrefixedInAFixedOrder)
{
    auto r = chain(1).front();
    const auto text = audit::canonical(r);
    EXPECT_EQ(text.rfind("dps-audit-v1\nchain=8:tenant:7\nseq=1:1\nprev=64:" + audit::kGenesisHash + "\n", 0), 0u) << text;
    EXPECT_NE(text.find("\ntenant_id=1:7\nprovider_org_id=0:\naction=16:call_off.publish\n"), std::string::npos) << text;
    // A value cannot pass for the next field: moving bytes between fields changes the hash.
    auto shifted = r;
    shifted.actor = "user:4\nprovider_org_id=0:";
    shifted.provider_org_id.reset();
    EXPECT_NE(audit::hash_of(shifted), audit::hash_of(r));
    EXPECT_EQ(audit::chain_key_of(std::nullopt, 3), "provider:3");
    EXPECT_EQ(audit::chain_key_of(5, 3), "tenant:5");
    EXPECT_EQ(audit::chain_key_of(std::nullopt, std::nullopt), "platform");
}

TEST(AuditChain, AnIntactChainVerifies)
{
    const auto rows = chain(5);
    const auto report = audit::verify(rows, head_of(rows), {1, 2, 3}, 101);
    EXPECT_TRUE(report.ok()) << problem(report);
    ASSERT_EQ(report.chains.size(), 1u);
    EXPECT_EQ(report.chains[0].rows, 5);
    EXPECT_EQ(report.chains[0].head_hash, rows.back().row_hash);
    EXPECT_EQ(report.unchained, 3);
}

TEST(AuditChain, AChangedRowIsNamed)
{
    auto rows = chain(5);
    const auto head = head_of(rows);
    rows[2].actor = "user:99"; // changed with the owner role, hashes left as they were
    const auto report = audit::verify(rows, head, {}, 101);
    EXPECT_FALSE(report.ok());
    EXPECT_EQ(problem(report), "row 103 (position 3): its content does not match its hash (the row was changed)");
}

TEST(AuditChain, AChangedRowWithItsHashRecomputedBreaksTheNext)
{
    auto rows = chain(5);
    const auto head = head_of(rows);
    rows[2].actor = "user:99";
    rows[2].row_hash = audit::hash_of(rows[2]);
    EXPECT_EQ(problem(audit::verify(rows, head, {}, 101)), "row 104 (position 4): it does not follow the row before it (prev_hash differs)");
}

TEST(AuditChain, ARemovedRowIsNamed)
{
    auto rows = chain(5);
    const auto head = head_of(rows);
    rows.erase(rows.begin() + 1);
    EXPECT_EQ(problem(audit::verify(rows, head, {}, 101)), "row 103 (position 3): position 2 is missing (a row was removed)");
}

TEST(AuditChain, RowsRemovedFromTheEndAreFoundByTheHead)
{
    auto rows = chain(5);
    const auto head = head_of(rows);
    rows.pop_back();
    EXPECT_EQ(problem(audit::verify(rows, head, {}, 101)), "the head says 5 rows, the chain has 4 (its last rows were removed)");
    EXPECT_EQ(problem(audit::verify({}, head, {}, 0)), "the head says 5 rows, none are left");
}

TEST(AuditChain, AHeadChangedByHandIsFound)
{
    const auto rows = chain(3);
    auto head = head_of(rows);
    head[0].hash = std::string(64, 'f');
    EXPECT_EQ(problem(audit::verify(rows, head, {}, 101)), "the head's hash differs from the last row's");
    EXPECT_EQ(problem(audit::verify(rows, {}, {}, 101)), "the chain has no head record");
}

TEST(AuditChain, AnUnchainedRowAfterTheChainBeganIsRefused)
{
    const auto rows = chain(2);
    const auto report = audit::verify(rows, head_of(rows), {5, 250}, 101);
    EXPECT_FALSE(report.ok());
    EXPECT_EQ(problem(report), "row 250 has no chain but was written after the chain began (row 101)");
}

TEST(AuditChain, ChainsAreWalkedSeparately)
{
    auto a = chain(3, "tenant:7");
    auto b = chain(2, "provider:1");
    std::vector<chained_row> rows = b; // ordered by chain_key
    rows.insert(rows.end(), a.begin(), a.end());
    auto heads = head_of(a);
    heads.push_back(head_of(b).front());
    EXPECT_TRUE(audit::verify(rows, heads, {}, 101).ok());
    rows[3].entity_id = "changed"; // tenant:7's second row
    const auto report = audit::verify(rows, heads, {}, 101);
    ASSERT_EQ(report.chains.size(), 2u);
    EXPECT_FALSE(report.chains[0].problem) << *report.chains[0].problem; // provider:1 still fine
    EXPECT_TRUE(report.chains[1].problem);
}
