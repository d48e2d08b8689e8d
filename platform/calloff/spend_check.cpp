// Committed spend against each spend authority, in the caller's transaction.
#include "calloff/spend_check.hpp"

#include "calloff/calloff_store.hpp"
#include "db/row_reader.hpp"

#include <soci/soci.h>

namespace dps::calloff::store {
namespace {

// Committed spend = the values of the council's contracts starting in the authority's period.
std::int64_t committed(soci::session& sql, std::int64_t tenant_id, const authority_period& a)
{
    long long tenant = tenant_id, dps = a.dps_id.value_or(0), total = 0;
    soci::indicator ind = soci::i_null;
    if (a.dps_id)
        sql << "SELECT sum(value_pence) FROM contracts WHERE tenant_id = :t AND dps_id = :d AND starts_on >= :f AND starts_on <= :to",
            soci::use(tenant), soci::use(dps), soci::use(a.from), soci::use(a.to), soci::into(total, ind);
    else
        sql << "SELECT sum(value_pence) FROM contracts WHERE tenant_id = :t AND starts_on >= :f AND starts_on <= :to",
            soci::use(tenant), soci::use(a.from), soci::use(a.to), soci::into(total, ind);
    return ind == soci::i_null ? 0 : total;
}

} // namespace

std::vector<authority_period> authorities_for(soci::session& sql, std::int64_t tenant_id, std::int64_t dps_id,
                                              const std::string& starts_on, const std::optional<plugins::spend_authority>& declared)
{
    std::vector<authority_period> out;
    long long tenant = tenant_id, dps = dps_id;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT limit_pence, starts_on, ends_on FROM spend_authorities WHERE tenant_id = :t AND dps_id = :d "
                        "AND starts_on <= :s AND ends_on >= :s2",
         soci::use(tenant), soci::use(dps), soci::use(starts_on), soci::use(starts_on));
    for (const auto& r : rows) out.push_back({db::int_at(r, 0), db::text_at(r, 1), db::text_at(r, 2), dps_id});
    if (declared && declared->from <= starts_on && starts_on <= declared->to)
        out.push_back({declared->limit_pence, declared->from, declared->to, std::nullopt});
    return out;
}

status within_authority(soci::session& sql, std::int64_t tenant_id, std::int64_t value, const std::vector<authority_period>& authorities,
                        const std::string& what)
{
    for (const auto& a : authorities) {
        const std::int64_t used = committed(sql, tenant_id, a), headroom = a.limit_pence - used;
        if (used + value > a.limit_pence)
            return make_error(error_kind::conflict, "spend_authority_exceeded",
                              what + " of " + pounds(value) + " would take committed spend to " + pounds(used + value) +
                                  ", above the spend authority of " + pounds(a.limit_pence) + " for " + a.from + " to " + a.to +
                                  "; headroom left: " + pounds(headroom < 0 ? 0 : headroom) + " (" +
                                  std::to_string(headroom < 0 ? 0 : headroom) + " pence)");
    }
    return ok_status();
}

} // namespace dps::calloff::store
