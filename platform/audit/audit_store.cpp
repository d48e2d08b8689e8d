// Inserts audit rows; the table itself refuses UPDATE and DELETE (see schema/V001), and every row
// since schema/V012 is chained (audit_chain.hpp).
#include "audit/audit_store.hpp"

#include "core/digest.hpp"
#include "db/query.hpp"
#include "db/row_reader.hpp"

#include <soci/soci.h>

#include <optional>

namespace dps::audit {

namespace {

constexpr const char* kInsertUnchained =
    "INSERT INTO audit_log (occurred_at, actor, tenant_id, provider_org_id, action, entity_type, entity_id, request_id, "
    "payload_digest) VALUES (:at, :actor, :tenant, :provider, :action, :etype, :eid, :rid, :digest)";

// The next position in the chain, and the hash it follows. The upsert locks the head row until
// commit, so a second writer of the chain waits here and then sees this one's head.
constexpr const char* kTakePosition =
    "INSERT INTO audit_chain_heads (chain_key, chain_seq, head_hash) VALUES (:chain, 1, :genesis) "
    "ON CONFLICT (chain_key) DO UPDATE SET chain_seq = audit_chain_heads.chain_seq + 1 "
    "RETURNING chain_seq, head_hash";
constexpr const char* kInsertChained =
    "INSERT INTO audit_log (occurred_at, actor, tenant_id, provider_org_id, action, entity_type, entity_id, request_id, "
    "payload_digest, chain_key, chain_seq, prev_hash, row_hash) "
    "VALUES (:at, :actor, :tenant, :provider, :action, :etype, :eid, :rid, :digest, :chain, :seq, :prev, :hash)";
constexpr const char* kSetHead = "UPDATE audit_chain_heads SET head_hash = :hash WHERE chain_key = :chain";

constexpr const char* kChainColumns =
    "SELECT id, chain_key, chain_seq, prev_hash, row_hash, occurred_at, actor, tenant_id, provider_org_id, action, "
    "entity_type, entity_id, request_id, payload_digest FROM audit_log WHERE chain_key IS NOT NULL";

// Column positions, found by name once per result rather than once per row: verify reads millions.
struct chain_columns {
    std::size_t id, chain_key, seq, prev_hash, row_hash, occurred_at, actor, tenant_id, provider_org_id, action, entity_type,
        entity_id, request_id, payload_digest;
    explicit chain_columns(const soci::row& r)
        : id(db::column(r, "id")), chain_key(db::column(r, "chain_key")), seq(db::column(r, "chain_seq")),
          prev_hash(db::column(r, "prev_hash")), row_hash(db::column(r, "row_hash")), occurred_at(db::column(r, "occurred_at")),
          actor(db::column(r, "actor")), tenant_id(db::column(r, "tenant_id")), provider_org_id(db::column(r, "provider_org_id")),
          action(db::column(r, "action")), entity_type(db::column(r, "entity_type")), entity_id(db::column(r, "entity_id")),
          request_id(db::column(r, "request_id")), payload_digest(db::column(r, "payload_digest"))
    {
    }
    void read(const soci::row& r, chained_row& c) const
    {
        c.id = db::int_at(r, id);
        c.chain_key = db::text_at(r, chain_key);
        c.seq = db::int_at(r, seq);
        c.prev_hash = db::text_at(r, prev_hash);
        c.row_hash = db::text_at(r, row_hash);
        c.occurred_at = db::text_at(r, occurred_at);
        c.actor = db::text_at(r, actor);
        c.tenant_id = db::opt_int_at(r, tenant_id);
        c.provider_org_id = db::opt_int_at(r, provider_org_id);
        c.action = db::text_at(r, action);
        c.entity_type = db::text_at(r, entity_type);
        c.entity_id = db::text_at(r, entity_id);
        c.request_id = db::text_at(r, request_id);
        c.payload_digest = db::text_at(r, payload_digest);
    }
};

} // namespace

void record_before_chain(soci::session& sql, const entry& e)
{
    const std::string at = format_timestamp(e.at);
    const std::string digest = sha256_hex(e.payload);
    soci::indicator tenant_ind = e.tenant_id ? soci::i_ok : soci::i_null;
    long long tenant = e.tenant_id.value_or(0);
    soci::indicator provider_ind = e.provider_org_id ? soci::i_ok : soci::i_null;
    long long provider = e.provider_org_id.value_or(0);
    sql << kInsertUnchained, soci::use(at), soci::use(e.actor), soci::use(tenant, tenant_ind), soci::use(provider, provider_ind),
        soci::use(e.action), soci::use(e.entity_type), soci::use(e.entity_id), soci::use(e.request_id), soci::use(digest);
}

void record(soci::session& sql, const entry& e)
{
    chained_row row;
    row.chain_key = chain_key_of(e.tenant_id, e.provider_org_id);
    row.occurred_at = format_timestamp(e.at);
    row.actor = e.actor;
    row.tenant_id = e.tenant_id;
    row.provider_org_id = e.provider_org_id;
    row.action = e.action;
    row.entity_type = e.entity_type;
    row.entity_id = e.entity_id;
    row.request_id = e.request_id;
    row.payload_digest = sha256_hex(e.payload);

    // Every audited write runs these three: prepared once per connection (db/query.hpp).
    db::query(sql, kTakePosition).bind(row.chain_key).bind(kGenesisHash).one([&](const soci::row& head) {
        row.seq = db::int_at(head, 0);
        row.prev_hash = db::text_at(head, 1);
        return true;
    });
    row.row_hash = hash_of(row);
    db::query(sql, kInsertChained)
        .bind(row.occurred_at).bind(row.actor).bind(e.tenant_id).bind(e.provider_org_id).bind(row.action).bind(row.entity_type)
        .bind(row.entity_id).bind(row.request_id).bind(row.payload_digest).bind(row.chain_key).bind(row.seq).bind(row.prev_hash)
        .bind(row.row_hash)
        .run();
    db::query(sql, kSetHead).bind(row.row_hash).bind(row.chain_key).run();
}

chain_contents read_chains(soci::session& sql, const std::string& chain_key,
                           const std::function<void(const chained_row&)>& each)
{
    chain_contents out;
    const bool one = !chain_key.empty();
    const std::string rows_query = std::string{kChainColumns} + (one ? " AND chain_key = :chain" : "") + " ORDER BY chain_key, chain_seq";
    const std::string heads_query = std::string{"SELECT chain_key, chain_seq, head_hash FROM audit_chain_heads"} +
                                    (one ? " WHERE chain_key = :chain" : "") + " ORDER BY chain_key";
    auto stream_rows = [&](soci::rowset<soci::row>& rows) {
        std::optional<chain_columns> at;
        chained_row row; // reused: its strings keep their capacity from row to row
        for (const auto& r : rows) {
            if (!at) at.emplace(r);
            at->read(r, row);
            each(row);
        }
    };
    auto read_heads = [&](soci::rowset<soci::row>& rows) {
        for (const auto& r : rows)
            out.heads.push_back(head{db::text_of(r, "chain_key"), db::int_of(r, "chain_seq"), db::text_of(r, "head_hash")});
    };
    if (one) {
        soci::rowset<soci::row> heads = (sql.prepare << heads_query, soci::use(chain_key));
        read_heads(heads);
        soci::rowset<soci::row> rows = (sql.prepare << rows_query, soci::use(chain_key));
        stream_rows(rows);
    } else {
        soci::rowset<soci::row> heads = (sql.prepare << heads_query);
        read_heads(heads);
        soci::rowset<soci::row> rows = (sql.prepare << rows_query);
        stream_rows(rows);
        soci::rowset<soci::row> unchained = (sql.prepare << "SELECT id FROM audit_log WHERE chain_key IS NULL ORDER BY id");
        for (const auto& r : unchained) out.unchained_ids.push_back(db::int_of(r, "id"));
    }
    if (!one) { // only the whole log has unchained rows to place against it
        soci::indicator ind = soci::i_null;
        long long first = 0;
        sql << "SELECT min(id) FROM audit_log WHERE chain_key IS NOT NULL", soci::into(first, ind);
        out.first_chained_id = ind == soci::i_ok ? first : 0;
    }
    return out;
}

} // namespace dps::audit
