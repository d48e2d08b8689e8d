// The DPS module's statements, each beside the row mapping it needs.
#include "dps/dps_store.hpp"

#include "db/binding.hpp"
#include "db/row_reader.hpp"

#include <boost/json.hpp>
#include <soci/soci.h>

#include <array>

namespace dps::purchasing::store {
namespace {

constexpr const char* kDpsColumns =
    "id, tenant_id, title, category, regime, term_starts_on, term_ends_on, latest_end_on, status, created_at, updated_at";
constexpr const char* kLotColumns = "id, dps_id, tenant_id, code, name, description, requirements";
constexpr const char* kProfileColumns =
    "id, name, status, companies_house_number, cqc_provider_id, cqc_location_id, cqc_rating, cqc_inspected_on, ofsted_urn, "
    "ofsted_rating, ofsted_inspected_on, insurance_expires_on, living_wage_commitment, contact_email, contact_phone";
constexpr const char* kApplicationSelect =
    "SELECT a.id, a.dps_id, a.lot_id, a.tenant_id, a.provider_org_id, l.code, p.name, a.status, a.checks, a.reason, "
    "a.evidence_required, a.suspended_from, a.submitted_at, a.decided_at, a.updated_at "
    "FROM applications a JOIN lots l ON l.id = a.lot_id JOIN provider_organisations p ON p.id = a.provider_org_id ";

// The mappers, by column name, beside the column lists above.
dps_system dps_from(const soci::row& r)
{
    dps_system d;
    d.id = db::int_of(r, "id");
    d.tenant_id = db::int_of(r, "tenant_id");
    d.title = db::text_of(r, "title");
    d.category = db::text_of(r, "category");
    d.regime = db::text_of(r, "regime");
    d.term_starts_on = db::text_of(r, "term_starts_on");
    d.term_ends_on = db::text_of(r, "term_ends_on");
    d.latest_end_on = db::text_of(r, "latest_end_on");
    d.status = db::enum_of<dps_status>(r, "status");
    d.created_at = db::text_of(r, "created_at");
    d.updated_at = db::text_of(r, "updated_at");
    return d;
}

boost::json::object object_of(const std::string& text)
{
    boost::system::error_code ec;
    auto parsed = boost::json::parse(text, ec);
    return !ec && parsed.is_object() ? parsed.get_object() : boost::json::object{};
}

lot lot_from(const soci::row& r)
{
    return {db::int_of(r, "id"),   db::int_of(r, "dps_id"),        db::int_of(r, "tenant_id"),
            db::text_of(r, "code"), db::text_of(r, "name"),        db::text_of(r, "description"),
            object_of(db::text_of(r, "requirements"))};
}

provider_profile profile_from(const soci::row& r)
{
    provider_profile p;
    p.id = db::int_of(r, "id");
    p.name = db::text_of(r, "name");
    p.status = db::text_of(r, "status");
    for (auto [column, field] : {std::pair{"companies_house_number", &p.companies_house_number}, std::pair{"cqc_provider_id", &p.cqc_provider_id},
                                 std::pair{"cqc_location_id", &p.cqc_location_id}, std::pair{"cqc_rating", &p.cqc_rating},
                                 std::pair{"cqc_inspected_on", &p.cqc_inspected_on}, std::pair{"ofsted_urn", &p.ofsted_urn},
                                 std::pair{"ofsted_rating", &p.ofsted_rating}, std::pair{"ofsted_inspected_on", &p.ofsted_inspected_on},
                                 std::pair{"insurance_expires_on", &p.insurance_expires_on},
                                 std::pair{"living_wage_commitment", &p.living_wage_commitment},
                                 std::pair{"contact_email", &p.contact_email}, std::pair{"contact_phone", &p.contact_phone}})
        *field = db::opt_text_of(r, column);
    return p;
}

application application_from(const soci::row& r)
{
    application a;
    a.id = db::int_of(r, "id");
    a.dps_id = db::int_of(r, "dps_id");
    a.lot_id = db::int_of(r, "lot_id");
    a.tenant_id = db::int_of(r, "tenant_id");
    a.provider_org_id = db::int_of(r, "provider_org_id");
    a.lot_code = db::text_of(r, "code");
    a.provider_name = db::text_of(r, "name");
    a.status = db::enum_of<application_status>(r, "status");
    boost::system::error_code ec;
    auto checks = boost::json::parse(db::text_of(r, "checks"), ec);
    if (!ec && checks.is_array()) a.checks = checks.get_array();
    a.reason = db::opt_text_of(r, "reason");
    a.evidence_required = db::opt_text_of(r, "evidence_required");
    a.suspended_from = db::opt_text_of(r, "suspended_from");
    a.submitted_at = db::text_of(r, "submitted_at");
    a.decided_at = db::opt_text_of(r, "decided_at");
    a.updated_at = db::text_of(r, "updated_at");
    return a;
}

} // namespace

std::optional<dps_system> load_dps(soci::session& sql, std::int64_t dps_id)
{
    long long key = dps_id;
    soci::rowset<soci::row> rows = (sql.prepare << "SELECT " << kDpsColumns << " FROM dps_systems WHERE id = :id", soci::use(key));
    for (const auto& r : rows) return dps_from(r);
    return std::nullopt;
}

std::vector<dps_system> list_dps(soci::session& sql)
{
    std::vector<dps_system> out;
    soci::rowset<soci::row> rows = (sql.prepare << "SELECT " << kDpsColumns << " FROM dps_systems ORDER BY id");
    for (const auto& r : rows) out.push_back(dps_from(r));
    return out;
}

std::vector<std::int64_t> dps_past_their_term(soci::session& sql, const std::string& today)
{
    std::vector<std::int64_t> out;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT id FROM dps_systems WHERE status IN ('open', 'suspended') AND term_ends_on < :today", soci::use(today));
    for (const auto& r : rows) out.push_back(db::int_at(r, 0));
    return out;
}

std::int64_t insert_dps(soci::session& sql, const dps_system& d)
{
    long long id = 0, tenant = d.tenant_id;
    const std::string status{to_text(d.status)};
    sql << "INSERT INTO dps_systems (tenant_id, title, category, regime, term_starts_on, term_ends_on, latest_end_on, status, "
           "created_at, updated_at) VALUES (:t, :title, :c, :r, :s, :e, :l, :st, :at, :at2) RETURNING id",
        soci::use(tenant), soci::use(d.title), soci::use(d.category), soci::use(d.regime), soci::use(d.term_starts_on),
        soci::use(d.term_ends_on), soci::use(d.latest_end_on), soci::use(status), soci::use(d.created_at), soci::use(d.updated_at),
        soci::into(id);
    return id;
}

void set_dps_status(soci::session& sql, std::int64_t dps_id, dps_status status, const std::string& at)
{
    const std::string status_text{to_text(status)};
    long long key = dps_id;
    sql << "UPDATE dps_systems SET status = :s, updated_at = :at WHERE id = :id", soci::use(status_text), soci::use(at), soci::use(key);
}

void set_dps_term_end(soci::session& sql, std::int64_t dps_id, const std::string& ends_on, const std::string& at)
{
    long long key = dps_id;
    sql << "UPDATE dps_systems SET term_ends_on = :e, updated_at = :at WHERE id = :id", soci::use(ends_on), soci::use(at), soci::use(key);
}

std::optional<lot> load_lot(soci::session& sql, std::int64_t dps_id, const std::string& code)
{
    long long key = dps_id;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT " << kLotColumns << " FROM lots WHERE dps_id = :d AND code = :c", soci::use(key), soci::use(code));
    for (const auto& r : rows) return lot_from(r);
    return std::nullopt;
}

std::vector<lot> list_lots(soci::session& sql, std::int64_t dps_id)
{
    std::vector<lot> out;
    long long key = dps_id;
    soci::rowset<soci::row> rows = (sql.prepare << "SELECT " << kLotColumns << " FROM lots WHERE dps_id = :d ORDER BY code", soci::use(key));
    for (const auto& r : rows) out.push_back(lot_from(r));
    return out;
}

std::int64_t insert_lot(soci::session& sql, const lot& l, const std::string& at)
{
    const std::string requirements = boost::json::serialize(l.requirements);
    long long id = 0, dps_key = l.dps_id, tenant = l.tenant_id;
    sql << "INSERT INTO lots (dps_id, tenant_id, code, name, description, requirements, created_at) "
           "VALUES (:d, :t, :c, :n, :desc, :r, :at) RETURNING id",
        soci::use(dps_key), soci::use(tenant), soci::use(l.code), soci::use(l.name), soci::use(l.description), soci::use(requirements),
        soci::use(at), soci::into(id);
    return id;
}

std::optional<provider_profile> load_profile(soci::session& sql, std::int64_t provider_id)
{
    long long key = provider_id;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT " << kProfileColumns << " FROM provider_organisations WHERE id = :id", soci::use(key));
    for (const auto& r : rows) return profile_from(r);
    return std::nullopt;
}

void set_profile_field(soci::session& sql, std::int64_t provider_id, const std::string& column, const std::optional<std::string>& value)
{
    long long key = provider_id;
    const std::string v = value.value_or("");
    soci::indicator i = db::indicator(value.has_value());
    sql << "UPDATE provider_organisations SET " + column + " = :v WHERE id = :id", soci::use(v, i), soci::use(key);
}

std::optional<application> load_application(soci::session& sql, std::int64_t application_id)
{
    long long key = application_id;
    soci::rowset<soci::row> rows = (sql.prepare << kApplicationSelect << "WHERE a.id = :id", soci::use(key));
    for (const auto& r : rows) return application_from(r);
    return std::nullopt;
}

std::vector<application> list_applications(soci::session& sql, std::int64_t dps_id, const application_viewer& viewer)
{
    std::string filter;
    switch (viewer.as) {
    case application_viewer::kind::provider: filter = "AND a.provider_org_id = :v "; break;
    case application_viewer::kind::partner:
        // A partner sees admissions on the lots it joined under a live agreement (RLS says the same).
        filter = "AND a.status = 'admitted' AND EXISTS (SELECT 1 FROM agreement_lots al JOIN access_agreements ag ON ag.id = al.agreement_id "
                 "WHERE al.lot_id = a.lot_id AND al.dropped_on IS NULL AND ag.status IN ('active', 'notice_given') "
                 "AND ag.partner_tenant_id = :v) ";
        break;
    case application_viewer::kind::lead: filter = "AND a.provider_org_id <> :v "; break; // viewer 0: every provider
    }
    long long key = dps_id, who = viewer.as == application_viewer::kind::lead ? 0 : viewer.id;
    std::vector<application> out;
    soci::rowset<soci::row> rows =
        (sql.prepare << kApplicationSelect << "WHERE a.dps_id = :d " << filter << "ORDER BY a.id", soci::use(key), soci::use(who));
    for (const auto& r : rows) out.push_back(application_from(r));
    return out;
}

std::int64_t insert_application(soci::session& sql, const application& a)
{
    long long id = 0, dps_key = a.dps_id, lot_key = a.lot_id, tenant = a.tenant_id, provider = a.provider_org_id;
    const std::string checks = boost::json::serialize(a.checks), reason = a.reason.value_or(""), decided = a.decided_at.value_or(""),
                      status{to_text(a.status)};
    soci::indicator reason_i = db::indicator(a.reason.has_value()), decided_i = db::indicator(a.decided_at.has_value());
    sql << "INSERT INTO applications (dps_id, lot_id, tenant_id, provider_org_id, status, checks, reason, submitted_at, decided_at, "
           "updated_at) VALUES (:d, :l, :t, :p, :s, :c, :r, :at, :dec, :upd) RETURNING id",
        soci::use(dps_key), soci::use(lot_key), soci::use(tenant), soci::use(provider), soci::use(status), soci::use(checks),
        soci::use(reason, reason_i), soci::use(a.submitted_at), soci::use(decided, decided_i), soci::use(a.updated_at), soci::into(id);
    return id;
}

void update_application_decision(soci::session& sql, const application& a, const std::string& at)
{
    long long key = a.id;
    const std::string reason = a.reason.value_or(""), evidence = a.evidence_required.value_or(""), from = a.suspended_from.value_or(""),
                      status{to_text(a.status)};
    soci::indicator reason_i = db::indicator(a.reason.has_value()), evidence_i = db::indicator(a.evidence_required.has_value()),
                    from_i = db::indicator(a.suspended_from.has_value());
    sql << "UPDATE applications SET status = :s, reason = :r, evidence_required = :e, suspended_from = :f, decided_at = :at, "
           "updated_at = :at2 WHERE id = :id",
        soci::use(status), soci::use(reason, reason_i), soci::use(evidence, evidence_i), soci::use(from, from_i), soci::use(at),
        soci::use(at), soci::use(key);
}

void insert_decision(soci::session& sql, const decision_row& d)
{
    long long dps_id = d.dps_id, tenant = d.tenant_id, entity = d.entity_id;
    long long partner = d.partner_tenant_id.value_or(0), provider = d.provider_org_id.value_or(0);
    const std::string from = d.from_status.value_or(""), reason = d.reason.value_or("");
    soci::indicator partner_i = db::indicator(d.partner_tenant_id.has_value()), provider_i = db::indicator(d.provider_org_id.has_value()),
                    from_i = db::indicator(d.from_status.has_value()), reason_i = db::indicator(d.reason.has_value());
    sql << "INSERT INTO dps_decisions (dps_id, tenant_id, partner_tenant_id, provider_org_id, entity_type, entity_id, action, "
           "from_status, to_status, reason, actor, decided_at) VALUES (:d, :t, :pt, :p, :et, :e, :a, :f, :to, :r, :actor, :at)",
        soci::use(dps_id), soci::use(tenant), soci::use(partner, partner_i), soci::use(provider, provider_i), soci::use(d.entity_type),
        soci::use(entity), soci::use(d.action), soci::use(from, from_i), soci::use(d.to_status), soci::use(reason, reason_i),
        soci::use(d.actor), soci::use(d.decided_at);
}

std::vector<decision> list_decisions(soci::session& sql, const std::string& entity_type, std::int64_t entity_id)
{
    std::vector<decision> out;
    long long key = entity_id;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT id, entity_type, entity_id, action, from_status, to_status, reason, actor, decided_at "
                        "FROM dps_decisions WHERE entity_type = :t AND entity_id = :e ORDER BY id",
         soci::use(entity_type), soci::use(key));
    for (const auto& r : rows)
        out.push_back({db::int_at(r, 0), db::int_at(r, 2), db::text_at(r, 1), db::text_at(r, 3), db::opt_text_at(r, 4), db::text_at(r, 5),
                       db::opt_text_at(r, 6), db::text_at(r, 7), db::text_at(r, 8)});
    return out;
}

} // namespace dps::purchasing::store
