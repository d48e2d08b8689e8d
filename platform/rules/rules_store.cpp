// The rules module's statements.
#include "rules/rules_store.hpp"

#include "db/row_reader.hpp"

#include <soci/soci.h>

namespace dps::rules::store {
namespace {

constexpr const char* kVersionColumns =
    "id, tenant_id, version, file_name, source_sha256, uploaded_by, uploaded_at, status, activated_at";

plugin_version version_from(const soci::row& r)
{
    return {db::int_at(r, 0),  db::int_at(r, 1),  static_cast<int>(db::int_at(r, 2)), db::text_at(r, 3), db::text_at(r, 4),
            db::text_at(r, 5), db::text_at(r, 6), db::text_at(r, 7),                  db::opt_text_at(r, 8)};
}

} // namespace

std::optional<active_source> active_source_of(soci::session& sql, std::int64_t tenant_id)
{
    long long key = tenant_id;
    active_source out;
    soci::indicator ind = soci::i_null;
    sql << "SELECT source, file_name, source_sha256 FROM tenant_plugins WHERE tenant_id = :t AND status = 'active'", soci::use(key),
        soci::into(out.source, ind), soci::into(out.file_name), soci::into(out.source_sha256);
    if (!sql.got_data() || ind == soci::i_null || out.source.empty()) return std::nullopt;
    return out;
}

std::vector<active_row> every_active(soci::session& sql)
{
    std::vector<active_row> out;
    soci::rowset<soci::row> rows = (sql.prepare << "SELECT t.id, t.slug, p.source_sha256 FROM tenant_plugins p "
                                                   "JOIN tenants t ON t.id = p.tenant_id WHERE p.status = 'active'");
    for (const auto& r : rows) out.push_back({db::int_at(r, 0), db::text_at(r, 1), db::text_at(r, 2)});
    return out;
}

std::optional<std::string> active_fixtures_of(soci::session& sql, std::int64_t tenant_id)
{
    long long key = tenant_id;
    std::string stored;
    soci::indicator ind = soci::i_null;
    sql << "SELECT fixtures FROM tenant_plugins WHERE tenant_id = :t AND status = 'active'", soci::use(key), soci::into(stored, ind);
    if (!sql.got_data() || ind == soci::i_null || stored.empty()) return std::nullopt;
    return stored;
}

bool has_agreement_with_lead(soci::session& sql, std::int64_t partner_tenant_id, const std::string& lead_slug)
{
    long long partner = partner_tenant_id, found = 0;
    sql << "SELECT count(*) FROM access_agreements a JOIN tenants t ON t.id = a.lead_tenant_id "
           "WHERE a.partner_tenant_id = :p AND t.slug = :s",
        soci::use(partner), soci::use(lead_slug), soci::into(found);
    return found > 0;
}

int next_version(soci::session& sql, db::backend kind, std::int64_t tenant_id)
{
    long long key = tenant_id, next = 0;
    sql << std::string{"SELECT id FROM tenants WHERE id = :t"} + db::for_update(kind), soci::use(key);
    sql << "SELECT COALESCE(MAX(version), 0) + 1 FROM tenant_plugins WHERE tenant_id = :t", soci::use(key), soci::into(next);
    return static_cast<int>(next);
}

void deactivate_all(soci::session& sql, std::int64_t tenant_id)
{
    long long key = tenant_id;
    sql << "UPDATE tenant_plugins SET status = 'inactive' WHERE tenant_id = :t AND status = 'active'", soci::use(key);
}

std::int64_t insert_active_version(soci::session& sql, const plugin_version& v, const std::string& source, const std::string& fixtures)
{
    long long key = v.tenant_id, id = 0;
    const std::string activated = v.activated_at.value_or(v.uploaded_at);
    sql << "INSERT INTO tenant_plugins (tenant_id, version, file_name, source, source_sha256, fixtures, uploaded_by, uploaded_at, "
           "status, activated_at) VALUES (:t, :v, :f, :s, :h, :x, :by, :at, 'active', :at2) RETURNING id",
        soci::use(key), soci::use(v.version), soci::use(v.file_name), soci::use(source), soci::use(v.source_sha256), soci::use(fixtures),
        soci::use(v.uploaded_by), soci::use(v.uploaded_at), soci::use(activated), soci::into(id);
    return id;
}

std::vector<plugin_version> versions_of(soci::session& sql, std::int64_t tenant_id)
{
    std::vector<plugin_version> out;
    long long key = tenant_id;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT " << kVersionColumns << " FROM tenant_plugins WHERE tenant_id = :t ORDER BY version", soci::use(key));
    for (const auto& r : rows) out.push_back(version_from(r));
    return out;
}

std::optional<plugin_version> version_of(soci::session& sql, std::int64_t tenant_id, int version)
{
    long long key = tenant_id;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT " << kVersionColumns << " FROM tenant_plugins WHERE tenant_id = :t AND version = :v", soci::use(key),
         soci::use(version));
    for (const auto& r : rows) return version_from(r);
    return std::nullopt;
}

void activate_version(soci::session& sql, std::int64_t version_id, const std::string& at)
{
    long long id = version_id;
    sql << "UPDATE tenant_plugins SET status = 'active', activated_at = :at WHERE id = :id", soci::use(at), soci::use(id);
}

} // namespace dps::rules::store
