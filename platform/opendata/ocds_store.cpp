// The SQL of open data.
#include "opendata/ocds_store.hpp"

#include "db/query.hpp"
#include "db/row_reader.hpp"

#include <soci/soci.h>

namespace dps::opendata::store {
namespace {

constexpr const char* kDps =
    "SELECT d.id, d.tenant_id, t.name AS lead_name, d.title, d.category, d.regime, d.status, d.term_starts_on, d.term_ends_on, "
    "d.created_at, d.updated_at FROM dps_systems d JOIN tenants t ON t.id = d.tenant_id WHERE d.id = :id AND d.tenant_id = :lead";
constexpr const char* kLots = "SELECT code, name FROM lots WHERE dps_id = :d ORDER BY code";
// LEFT JOIN tenants / provider_organisations: a name the lead may not read leaves the id alone.
constexpr const char* kCallOffs =
    "SELECT c.id, c.tenant_id, t.name AS buyer_name, l.code, c.status, c.published_at, c.bid_deadline, c.updated_at, c.package, "
    "k.id AS contract_id, k.award_id, k.value_pence, k.provider_org_id, p.name AS supplier_name, k.starts_on, k.ends_on, "
    "k.status AS contract_status, k.created_at AS contract_created_at, s.cost_pence AS spot_cost_pence "
    "FROM call_offs c JOIN lots l ON l.id = c.lot_id LEFT JOIN tenants t ON t.id = c.tenant_id "
    "LEFT JOIN contracts k ON k.call_off_id = c.id LEFT JOIN provider_organisations p ON p.id = k.provider_org_id "
    "LEFT JOIN spot_purchases s ON s.call_off_id = c.id "
    "WHERE c.dps_id = :d AND c.status <> 'draft' ORDER BY c.id";

call_off_facts call_off_from(const soci::row& r)
{
    call_off_facts c;
    c.id = db::int_of(r, "id");
    c.buyer = {db::int_of(r, "tenant_id"), db::opt_text_of(r, "buyer_name").value_or("")};
    c.lot_code = db::text_of(r, "code");
    c.status = db::enum_of<calloff::call_off_status>(r, "status");
    c.published_at = db::text_of(r, "published_at");
    c.bid_deadline = db::text_of(r, "bid_deadline");
    c.updated_at = db::text_of(r, "updated_at");
    c.package_text = db::text_of(r, "package");
    if (auto contract_id = db::opt_int_of(r, "contract_id")) {
        call_off_facts::contract k;
        k.id = *contract_id;
        k.award_id = db::int_of(r, "award_id");
        k.value_pence = db::int_of(r, "value_pence");
        k.supplier = {db::int_of(r, "provider_org_id"), db::opt_text_of(r, "supplier_name").value_or("")};
        k.starts_on = db::text_of(r, "starts_on");
        k.ends_on = db::text_of(r, "ends_on");
        k.status = db::enum_of<calloff::contract_status>(r, "contract_status");
        k.created_at = db::text_of(r, "contract_created_at");
        c.let = std::move(k);
    }
    c.spot_cost_pence = db::opt_int_of(r, "spot_cost_pence");
    return c;
}

} // namespace

std::optional<dps_facts> dps_led_by(soci::session& sql, std::int64_t dps_id, std::int64_t lead_tenant_id)
{
    auto d = db::query(sql, kDps).bind(dps_id).bind(lead_tenant_id).one([](const soci::row& r) {
        dps_facts f;
        f.id = db::int_of(r, "id");
        f.lead = {db::int_of(r, "tenant_id"), db::text_of(r, "lead_name")};
        f.title = db::text_of(r, "title");
        f.category = db::text_of(r, "category");
        f.regime = db::text_of(r, "regime");
        f.status = db::enum_of<purchasing::dps_status>(r, "status");
        f.term_starts_on = db::text_of(r, "term_starts_on");
        f.term_ends_on = db::text_of(r, "term_ends_on");
        f.created_at = db::text_of(r, "created_at");
        f.updated_at = db::text_of(r, "updated_at");
        return f;
    });
    if (!d) return std::nullopt;
    db::query(sql, kLots).bind(dps_id).each([&](const soci::row& r) { d->lots.push_back({db::text_of(r, "code"), db::text_of(r, "name")}); });
    return d;
}

std::vector<call_off_facts> published_call_offs(soci::session& sql, std::int64_t dps_id)
{
    std::vector<call_off_facts> out;
    db::query(sql, kCallOffs).bind(dps_id).each([&](const soci::row& r) { out.push_back(call_off_from(r)); });
    return out;
}

} // namespace dps::opendata::store
