#include "audit/audit_service.hpp"

#include "audit/audit_store.hpp"
#include "db/database.hpp"

#include <boost/json.hpp>
#include <soci/soci.h>

namespace dps::audit {

namespace {

boost::json::value opt_id(const std::optional<std::int64_t>& id) { return id ? boost::json::value(*id) : boost::json::value(nullptr); }

} // namespace

result<verify_report> audit_service::verify_all()
{
    return db_.read_value<verify_report>(db::scope::platform(), [](soci::session& sql) -> result<verify_report> {
        chain_walker walker;
        const auto c = read_chains(sql, {}, [&](const chained_row& r) { walker.add(r); });
        return walker.finish(c.heads, c.unchained_ids, c.first_chained_id);
    });
}

result<verify_report> audit_service::verify_tenant(std::int64_t tenant_id)
{
    return db_.read_value<verify_report>(db::scope::tenant(tenant_id), [&](soci::session& sql) -> result<verify_report> {
        chain_walker walker;
        const auto c = read_chains(sql, chain_key_of(tenant_id, std::nullopt), [&](const chained_row& r) { walker.add(r); });
        return walker.finish(c.heads, {}, 0);
    });
}

result<std::string> audit_service::chain_lines(std::int64_t tenant_id)
{
    // The route admits the tenant's own auditors and admins only; the read runs in the tenant's scope.
    return db_.read_value<std::string>(db::scope::tenant(tenant_id), [&](soci::session& sql) -> result<std::string> {
        const std::string key = chain_key_of(tenant_id, std::nullopt);
        std::string body;
        std::int64_t rows = 0;
        const auto c = read_chains(sql, key, [&](const chained_row& r) {
            boost::json::object line{{"id", r.id},
                                     {"chain", r.chain_key},
                                     {"seq", r.seq},
                                     {"prev", r.prev_hash},
                                     {"hash", r.row_hash},
                                     {"occurred_at", r.occurred_at},
                                     {"actor", r.actor},
                                     {"tenant_id", opt_id(r.tenant_id)},
                                     {"provider_org_id", opt_id(r.provider_org_id)},
                                     {"action", r.action},
                                     {"entity_type", r.entity_type},
                                     {"entity_id", r.entity_id},
                                     {"request_id", r.request_id},
                                     {"payload_digest", r.payload_digest}};
            body += boost::json::serialize(line);
            body += '\n';
            ++rows;
        });
        boost::json::object first{{"format", "dps-audit-v1"}, {"chain", key}, {"rows", rows},
                                  {"head_seq", c.heads.empty() ? 0 : c.heads.front().seq},
                                  {"head_hash", c.heads.empty() ? kGenesisHash : c.heads.front().hash}};
        std::string out = boost::json::serialize(first) + "\n" + body;
        return out;
    });
}

} // namespace dps::audit
