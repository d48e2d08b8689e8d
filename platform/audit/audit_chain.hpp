// The audit hash chain (schema/V012, docs/audit.md): the canonical bytes of a row, its hash, and
// the walk that checks a chain. Pure: no database; audit_store reads and writes the rows.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dps::audit {

inline const std::string kGenesisHash(64, '0'); // prev_hash of a chain's first row

// The fields a row's hash covers, as stored.
struct chained_row {
    std::int64_t id = 0; // the table's id: named in findings, not hashed (assigned after the hash)
    std::string chain_key;
    std::int64_t seq = 0;
    std::string prev_hash;
    std::string row_hash;
    std::string occurred_at, actor;
    std::optional<std::int64_t> tenant_id, provider_org_id;
    std::string action, entity_type, entity_id, request_id, payload_digest;
};

// "tenant:7", else "provider:3", else "platform".
std::string chain_key_of(const std::optional<std::int64_t>& tenant_id, const std::optional<std::int64_t>& provider_org_id);

// "dps-audit-v1\n" then, in a fixed order, one "name=LENGTH:value\n" per field (LENGTH in bytes,
// so no value can pass for another); absent ids are empty.
std::string canonical(const chained_row& r);
std::string hash_of(const chained_row& r); // sha256 hex of canonical(r)

struct head {
    std::string chain_key;
    std::int64_t seq = 0;
    std::string hash;
};

// What verify found: every chain it walked, and the first problem in each broken one.
struct chain_report {
    std::string chain_key;
    std::int64_t rows = 0;
    std::string head_hash;      // the last row's hash, as recomputed
    std::optional<std::string> problem; // "row 41 (position 7): its hash does not match its content", …
};
struct verify_report {
    std::vector<chain_report> chains;
    std::int64_t unchained = 0; // rows from before the chain began (V012)
    std::vector<std::string> problems; // not tied to one chain (an unchained row after chaining began)
    bool ok() const;
};

// Walks chains one row at a time, in (chain_key, seq) order, keeping only each chain's position
// and last hash: a million rows need no more memory than ten.
class chain_walker {
public:
    void add(const chained_row& r);
    // heads: the chains' heads; unchained_ids: ids of rows without a chain; first_chained_id: the
    // smallest id of any chained row in the whole log (0 if none).
    verify_report finish(const std::vector<head>& heads, const std::vector<std::int64_t>& unchained_ids,
                         std::int64_t first_chained_id);

private:
    struct state {
        chain_report report;
        std::string last_hash;
    };
    std::vector<state> chains_; // in the order met, which is chain_key order
};

// The same over rows already in memory, ordered by (chain_key, seq).
verify_report verify(const std::vector<chained_row>& rows, const std::vector<head>& heads,
                     const std::vector<std::int64_t>& unchained_ids, std::int64_t first_chained_id);

} // namespace dps::audit
