// The access-agreement module's statements, each beside the row mapping it needs.
#include "dps/agreement_store.hpp"

#include "db/row_reader.hpp"

#include <soci/soci.h>

namespace dps::purchasing::store {
namespace {

constexpr const char* kAgreementColumns =
    "id, dps_id, lead_tenant_id, partner_tenant_id, status, starts_on, ends_on, notice_given_on, notice_given_by, "
    "effective_end_on, created_at, updated_at";

// Beside kAgreementColumns: one mapper, by column name.
access_agreement agreement_from(const soci::row& r)
{
    access_agreement a;
    a.id = db::int_of(r, "id");
    a.dps_id = db::int_of(r, "dps_id");
    a.lead_tenant_id = db::int_of(r, "lead_tenant_id");
    a.partner_tenant_id = db::int_of(r, "partner_tenant_id");
    a.status = db::enum_of<agreement_status>(r, "status");
    a.starts_on = db::text_of(r, "starts_on");
    a.ends_on = db::text_of(r, "ends_on");
    a.notice_given_on = db::opt_text_of(r, "notice_given_on");
    a.notice_given_by = db::opt_text_of(r, "notice_given_by");
    a.effective_end_on = db::opt_text_of(r, "effective_end_on");
    a.created_at = db::text_of(r, "created_at");
    a.updated_at = db::text_of(r, "updated_at");
    return a;
}

} // namespace

std::optional<access_agreement> load_agreement(soci::session& sql, std::int64_t agreement_id)
{
    long long key = agreement_id;
    std::optional<access_agreement> a;
    {
        soci::rowset<soci::row> rows =
            (sql.prepare << "SELECT " << kAgreementColumns << " FROM access_agreements WHERE id = :id", soci::use(key));
        for (const auto& r : rows) a = agreement_from(r);
    }
    if (!a) return a;
    {
        soci::rowset<soci::row> rows =
            (sql.prepare << "SELECT al.id, al.lot_id, l.code, al.annual_fee_pence, al.joined_on, al.dropped_on FROM agreement_lots al "
                            "JOIN lots l ON l.id = al.lot_id WHERE al.agreement_id = :id ORDER BY al.id",
             soci::use(key));
        for (const auto& r : rows)
            a->lots.push_back({db::int_at(r, 0), db::int_at(r, 1), db::text_at(r, 2), db::int_at(r, 3), db::text_at(r, 4),
                               db::opt_text_at(r, 5)});
    }
    {
        soci::rowset<soci::row> rows =
            (sql.prepare << "SELECT id, year_starts_on, year_ends_on, amount_pence, due_on, paid_on FROM agreement_fees "
                            "WHERE agreement_id = :id ORDER BY year_starts_on",
             soci::use(key));
        for (const auto& r : rows)
            a->fees.push_back({db::int_at(r, 0), db::text_at(r, 1), db::text_at(r, 2), db::int_at(r, 3), db::text_at(r, 4),
                               db::opt_text_at(r, 5)});
    }
    return a;
}

std::vector<std::int64_t> agreements_on(soci::session& sql, std::int64_t dps_id, std::int64_t partner_tenant_id)
{
    std::vector<std::int64_t> ids;
    long long key = dps_id, viewer = partner_tenant_id;
    soci::rowset<soci::row> rows = (sql.prepare << "SELECT id FROM access_agreements WHERE dps_id = :d "
                                                   "AND (:v = 0 OR partner_tenant_id = :v2) ORDER BY id",
                                    soci::use(key), soci::use(viewer), soci::use(viewer));
    for (const auto& r : rows) ids.push_back(db::int_at(r, 0));
    return ids;
}

std::vector<std::int64_t> agreements_due_to_end(soci::session& sql, const std::string& today)
{
    std::vector<std::int64_t> ids;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT id FROM access_agreements WHERE (status = 'notice_given' AND effective_end_on <= :t) "
                        "OR (status IN ('active', 'notice_given') AND ends_on < :t2)",
         soci::use(today), soci::use(today));
    for (const auto& r : rows) ids.push_back(db::int_at(r, 0));
    return ids;
}

long long count_partner_agreements(soci::session& sql, std::int64_t dps_id, std::int64_t partner_tenant_id, bool include_requested)
{
    long long key = dps_id, partner = partner_tenant_id, n = 0;
    const std::string statuses = include_requested ? "('requested', 'active', 'notice_given')" : "('active', 'notice_given')";
    sql << "SELECT count(*) FROM access_agreements WHERE dps_id = :d AND partner_tenant_id = :p AND status IN " + statuses,
        soci::use(key), soci::use(partner), soci::into(n);
    return n;
}

std::int64_t insert_agreement(soci::session& sql, const access_agreement& a)
{
    long long dps_key = a.dps_id, lead = a.lead_tenant_id, partner = a.partner_tenant_id, id = 0;
    const std::string status{to_text(a.status)};
    sql << "INSERT INTO access_agreements (dps_id, lead_tenant_id, partner_tenant_id, status, starts_on, ends_on, created_at, updated_at) "
           "VALUES (:d, :l, :p, :s, :st, :e, :at, :at2) RETURNING id",
        soci::use(dps_key), soci::use(lead), soci::use(partner), soci::use(status), soci::use(a.starts_on), soci::use(a.ends_on),
        soci::use(a.created_at), soci::use(a.updated_at), soci::into(id);
    return id;
}

void set_agreement_status(soci::session& sql, std::int64_t agreement_id, agreement_status status, const std::string& at)
{
    const std::string status_text{to_text(status)};
    long long key = agreement_id;
    sql << "UPDATE access_agreements SET status = :s, updated_at = :at WHERE id = :id", soci::use(status_text), soci::use(at), soci::use(key);
}

void record_notice(soci::session& sql, std::int64_t agreement_id, agreement_status status, const std::string& given_on,
                   const std::string& given_by, const std::string& effective_end_on, const std::string& at)
{
    const std::string status_text{to_text(status)};
    long long key = agreement_id;
    sql << "UPDATE access_agreements SET status = :s, notice_given_on = :g, notice_given_by = :b, effective_end_on = :e, "
           "updated_at = :at WHERE id = :id",
        soci::use(status_text), soci::use(given_on), soci::use(given_by), soci::use(effective_end_on), soci::use(at), soci::use(key);
}

std::optional<std::pair<std::int64_t, std::string>> find_lot(soci::session& sql, std::int64_t dps_id, const std::string& code)
{
    long long key = dps_id, id = 0;
    std::string name;
    sql << "SELECT id, name FROM lots WHERE dps_id = :d AND code = :c", soci::use(key), soci::use(code), soci::into(id), soci::into(name);
    if (!sql.got_data()) return std::nullopt;
    return std::pair<std::int64_t, std::string>{id, name};
}

void insert_agreement_lot(soci::session& sql, const access_agreement& a, std::int64_t lot_id, std::int64_t annual_fee_pence,
                          const std::string& joined_on)
{
    long long key = a.id, lot = lot_id, lead = a.lead_tenant_id, partner = a.partner_tenant_id, fee = annual_fee_pence;
    sql << "INSERT INTO agreement_lots (agreement_id, lot_id, lead_tenant_id, partner_tenant_id, annual_fee_pence, joined_on) "
           "VALUES (:a, :l, :lead, :p, :f, :j)",
        soci::use(key), soci::use(lot), soci::use(lead), soci::use(partner), soci::use(fee), soci::use(joined_on);
}

void drop_agreement_lot(soci::session& sql, std::int64_t agreement_lot_id, const std::string& dropped_on)
{
    long long id = agreement_lot_id;
    sql << "UPDATE agreement_lots SET dropped_on = :d WHERE id = :id", soci::use(dropped_on), soci::use(id);
}

void delete_unpaid_fees_from(soci::session& sql, std::int64_t agreement_id, const std::string& from)
{
    long long key = agreement_id;
    sql << "DELETE FROM agreement_fees WHERE agreement_id = :id AND paid_on IS NULL AND year_starts_on >= :from", soci::use(key),
        soci::use(from);
}

void insert_fee(soci::session& sql, const access_agreement& a, const agreement_fee& fee)
{
    long long key = a.id, lead = a.lead_tenant_id, partner = a.partner_tenant_id, amount = fee.amount_pence;
    sql << "INSERT INTO agreement_fees (agreement_id, lead_tenant_id, partner_tenant_id, year_starts_on, year_ends_on, amount_pence, "
           "due_on) VALUES (:a, :l, :p, :s, :e, :amt, :due)",
        soci::use(key), soci::use(lead), soci::use(partner), soci::use(fee.year_starts_on), soci::use(fee.year_ends_on), soci::use(amount),
        soci::use(fee.due_on);
}

void mark_fee_paid(soci::session& sql, std::int64_t fee_id, const std::string& paid_on)
{
    long long key = fee_id;
    sql << "UPDATE agreement_fees SET paid_on = :p WHERE id = :id", soci::use(paid_on), soci::use(key);
}

std::int64_t insert_spend_authority(soci::session& sql, const spend_authority& s)
{
    long long tenant = s.tenant_id, dps = s.dps_id, limit = s.limit_pence, id = 0;
    const std::string approver = s.approved_by.value_or("");
    soci::indicator approver_i = s.approved_by ? soci::i_ok : soci::i_null;
    sql << "INSERT INTO spend_authorities (tenant_id, dps_id, limit_pence, starts_on, ends_on, approved_by, created_at) "
           "VALUES (:t, :d, :l, :s, :e, :a, :at) RETURNING id",
        soci::use(tenant), soci::use(dps), soci::use(limit), soci::use(s.starts_on), soci::use(s.ends_on), soci::use(approver, approver_i),
        soci::use(s.created_at), soci::into(id);
    return id;
}

std::vector<spend_authority> spend_authorities_of(soci::session& sql, std::int64_t dps_id, std::int64_t tenant_id)
{
    std::vector<spend_authority> out;
    long long key = dps_id, tenant = tenant_id;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT id, tenant_id, dps_id, limit_pence, starts_on, ends_on, approved_by, created_at FROM spend_authorities "
                        "WHERE dps_id = :d AND tenant_id = :t ORDER BY starts_on",
         soci::use(key), soci::use(tenant));
    for (const auto& r : rows)
        out.push_back({db::int_at(r, 0), db::int_at(r, 1), db::int_at(r, 2), db::int_at(r, 3), db::text_at(r, 4), db::text_at(r, 5),
                       db::opt_text_at(r, 6), db::text_at(r, 7)});
    return out;
}

} // namespace dps::purchasing::store
