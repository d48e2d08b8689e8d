#include "reports/reports_store.hpp"

#include "core/clock.hpp"
#include "db/row_reader.hpp"

#include <soci/soci.h>

namespace dps::reports::store {
namespace {

// LEFT JOIN tenants: a commissioner's directory row the caller cannot read leaves its id, never
// drops the call-off from the counts.
constexpr const char* kPublishedCallOffs =
    "SELECT c.id, c.tenant_id, t.slug, l.code, c.status, c.published_at, k.value_pence, s.cost_pence "
    "FROM call_offs c JOIN lots l ON l.id = c.lot_id LEFT JOIN tenants t ON t.id = c.tenant_id "
    "LEFT JOIN contracts k ON k.call_off_id = c.id LEFT JOIN spot_purchases s ON s.call_off_id = c.id "
    "WHERE (c.tenant_id = :me OR c.lead_tenant_id = :me2) AND (:d = 0 OR c.dps_id = :d2) "
    "AND c.published_at >= :from AND c.published_at < :to ORDER BY c.id";

} // namespace

std::vector<call_off_outcome> published_call_offs(soci::session& sql, std::int64_t viewer_tenant_id, std::optional<std::int64_t> dps_id,
                                                  const std::string& from, const std::string& to)
{
    long long me = viewer_tenant_id, dps = dps_id.value_or(0);
    std::vector<call_off_outcome> out;
    soci::rowset<soci::row> rows = (sql.prepare << kPublishedCallOffs, soci::use(me), soci::use(me), soci::use(dps), soci::use(dps),
                                    soci::use(from), soci::use(to));
    for (const auto& r : rows) {
        call_off_outcome o;
        o.call_off_id = db::int_of(r, "id");
        o.tenant_id = db::int_of(r, "tenant_id");
        o.commissioner = db::opt_text_of(r, "slug").value_or("tenant " + std::to_string(o.tenant_id));
        o.lot_code = db::text_of(r, "code");
        o.status = db::enum_of<calloff::call_off_status>(r, "status");
        const auto published = parse_timestamp(db::text_of(r, "published_at"));
        o.published_on = published ? london_date(*published) : db::text_of(r, "published_at").substr(0, 10);
        o.contract_value = db::opt_int_of(r, "value_pence");
        o.spot_cost = db::opt_int_of(r, "cost_pence");
        out.push_back(std::move(o));
    }
    return out;
}

} // namespace dps::reports::store
