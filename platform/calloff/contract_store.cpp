// The SQL of contracts, their changes and committed spend.
#include "calloff/contract_store.hpp"

#include "db/binding.hpp"
#include "db/query.hpp"
#include "db/row_reader.hpp"

#include <soci/soci.h>

namespace dps::calloff::store {
namespace {

constexpr const char* kContractSelect =
    "SELECT c.id, c.call_off_id, c.award_id, c.dps_id, c.lot_id, c.tenant_id, c.provider_org_id, p.name, c.hourly_rate_pence, "
    "c.hours_per_week, c.weekly_cost_pence, c.starts_on, c.ends_on, c.value_pence, c.status, c.created_at, c.updated_at, "
    "c.block_guaranteed_hours, c.block_discount_percent, l.code "
    "FROM contracts c JOIN provider_organisations p ON p.id = c.provider_org_id JOIN lots l ON l.id = c.lot_id ";
constexpr const char* kLockContract = "SELECT id FROM contracts WHERE id = :id";
constexpr const char* kPastEnd = "SELECT id FROM contracts WHERE status = 'active' AND ends_on < :t";
constexpr const char* kInsertContract =
    "INSERT INTO contracts (call_off_id, award_id, dps_id, lot_id, tenant_id, provider_org_id, hourly_rate_pence, hours_per_week, "
    "weekly_cost_pence, starts_on, ends_on, value_pence, status, created_at, updated_at, block_guaranteed_hours, "
    "block_discount_percent) VALUES (:c, :a, :d, :l, :t, :p, :r, :h, :w, :s, :e, :v, 'active', :at, :at2, :bh, :bd) RETURNING id";
constexpr const char* kSetStatus = "UPDATE contracts SET status = :s, updated_at = :at WHERE id = :id";
constexpr const char* kUpdateTerms =
    "UPDATE contracts SET hourly_rate_pence = :r, hours_per_week = :h, weekly_cost_pence = :w, block_guaranteed_hours = :bh, "
    "block_discount_percent = :bd, ends_on = :e, value_pence = :v, status = :s, updated_at = :at WHERE id = :id";
constexpr const char* kForAward = "SELECT id FROM contracts WHERE award_id = :a";
constexpr const char* kParties = "SELECT tenant_id, provider_org_id FROM contracts WHERE id = :id";

constexpr const char* kChangeSelect =
    "SELECT id, contract_id, award_id, kind, status, effective_on, hourly_rate_before, hourly_rate_after, hours_before, hours_after, "
    "weekly_cost_before, weekly_cost_after, block_hours_before, block_hours_after, block_discount_before, block_discount_after, "
    "ends_on_before, ends_on_after, value_before_pence, value_after_pence, reason, requested_by, created_at, decided_at "
    "FROM contract_changes ";
constexpr const char* kLastEffective = "SELECT max(effective_on) FROM contract_changes WHERE contract_id = :c AND status = 'applied'";
constexpr const char* kPending = "SELECT count(*) FROM contract_changes WHERE contract_id = :c AND status = 'pending'";
constexpr const char* kUpliftOn =
    "SELECT count(*) FROM contract_changes WHERE contract_id = :c AND kind = 'uplift' AND effective_on = :d";
constexpr const char* kInsertChange =
    "INSERT INTO contract_changes (contract_id, tenant_id, provider_org_id, award_id, kind, status, effective_on, hourly_rate_before, "
    "hourly_rate_after, hours_before, hours_after, weekly_cost_before, weekly_cost_after, block_hours_before, block_hours_after, "
    "block_discount_before, block_discount_after, ends_on_before, ends_on_after, value_before_pence, value_after_pence, reason, "
    "requested_by, created_at, decided_at) VALUES (:c, :t, :p, :a, :k, :s, :e, :rb, :ra, :hb, :ha, :wb, :wa, :bhb, :bha, :bdb, :bda, "
    ":eb, :ea, :vb, :va, :reason, :by, :at, :decided) RETURNING id";
constexpr const char* kSetChangeStatus = "UPDATE contract_changes SET status = :s, decided_at = :at WHERE id = :id";

// Committed spend = the values of the council's contracts starting in the authority's period.
constexpr const char* kCommittedOnDps =
    "SELECT sum(value_pence) FROM contracts WHERE tenant_id = :t AND dps_id = :d AND starts_on >= :f AND starts_on <= :to";
constexpr const char* kCommitted = "SELECT sum(value_pence) FROM contracts WHERE tenant_id = :t AND starts_on >= :f AND starts_on <= :to";

// Beside kContractSelect and kChangeSelect: one mapper each, by column name.
contract contract_from(const soci::row& r)
{
    contract c;
    c.id = db::int_of(r, "id");
    c.call_off_id = db::int_of(r, "call_off_id");
    c.award_id = db::int_of(r, "award_id");
    c.dps_id = db::int_of(r, "dps_id");
    c.lot_id = db::int_of(r, "lot_id");
    c.tenant_id = db::int_of(r, "tenant_id");
    c.provider_org_id = db::int_of(r, "provider_org_id");
    c.provider_name = db::text_of(r, "name");
    c.hourly_rate_pence = db::opt_int_of(r, "hourly_rate_pence");
    c.hours_per_week = db::opt_int_of(r, "hours_per_week");
    c.weekly_cost_pence = db::opt_int_of(r, "weekly_cost_pence");
    c.starts_on = db::text_of(r, "starts_on");
    c.ends_on = db::text_of(r, "ends_on");
    c.value_pence = db::int_of(r, "value_pence");
    c.status = db::enum_of<contract_status>(r, "status");
    c.created_at = db::text_of(r, "created_at");
    c.updated_at = db::text_of(r, "updated_at");
    c.block_guaranteed_hours = db::opt_int_of(r, "block_guaranteed_hours");
    c.block_discount_percent = db::opt_int_of(r, "block_discount_percent");
    c.lot_code = db::text_of(r, "code");
    return c;
}

contract_change change_from(const soci::row& r)
{
    contract_change c;
    c.id = db::int_of(r, "id");
    c.contract_id = db::int_of(r, "contract_id");
    c.award_id = db::opt_int_of(r, "award_id");
    c.kind = db::text_of(r, "kind");
    c.status = db::enum_of<change_status>(r, "status");
    c.effective_on = db::text_of(r, "effective_on");
    c.hourly_rate_before = db::opt_int_of(r, "hourly_rate_before");
    c.hourly_rate_after = db::opt_int_of(r, "hourly_rate_after");
    c.hours_before = db::opt_int_of(r, "hours_before");
    c.hours_after = db::opt_int_of(r, "hours_after");
    c.weekly_cost_before = db::opt_int_of(r, "weekly_cost_before");
    c.weekly_cost_after = db::opt_int_of(r, "weekly_cost_after");
    c.block_hours_before = db::opt_int_of(r, "block_hours_before");
    c.block_hours_after = db::opt_int_of(r, "block_hours_after");
    c.block_discount_before = db::opt_int_of(r, "block_discount_before");
    c.block_discount_after = db::opt_int_of(r, "block_discount_after");
    c.ends_on_before = db::text_of(r, "ends_on_before");
    c.ends_on_after = db::text_of(r, "ends_on_after");
    c.value_before_pence = db::int_of(r, "value_before_pence");
    c.value_after_pence = db::int_of(r, "value_after_pence");
    c.reason = db::opt_text_of(r, "reason");
    c.requested_by = db::text_of(r, "requested_by");
    c.created_at = db::text_of(r, "created_at");
    c.decided_at = db::opt_text_of(r, "decided_at");
    return c;
}

// A keyset page (core/paging.hpp): `where` names the owner as :v, then the page's id bound and limit.
page<contract> contracts_page(soci::session& sql, const std::string& where, std::int64_t owner, const page_request& asked)
{
    std::vector<contract> rows;
    db::query(sql, where).bind(owner).bind(asked.after_id()).bind(asked.rows_to_read()).each([&](const soci::row& r) {
        rows.push_back(contract_from(r));
    });
    return to_page(std::move(rows), asked);
}

} // namespace

std::optional<contract> load_contract(soci::session& sql, std::int64_t id)
{
    long long key = id;
    soci::row r; // one round trip: see load_call_off
    sql << kContractSelect << "WHERE c.id = :id", soci::use(key), soci::into(r);
    if (!sql.got_data()) return std::nullopt;
    return contract_from(r);
}

std::optional<contract> load_contract(soci::session& sql, std::int64_t id, const char* lock)
{
    if (*lock) {
        long long key = id, found = 0;
        sql << std::string{kLockContract} + lock, soci::use(key), soci::into(found);
        if (!sql.got_data()) return std::nullopt;
    }
    return load_contract(sql, id);
}

page<contract> contracts_of_council(soci::session& sql, std::int64_t tenant_id, const page_request& asked)
{
    static const std::string council_page = std::string{kContractSelect} + "WHERE c.tenant_id = :v AND c.id > :after ORDER BY c.id LIMIT :n";
    return contracts_page(sql, council_page, tenant_id, asked);
}

page<contract> contracts_of_provider(soci::session& sql, std::int64_t provider_org_id, const page_request& asked)
{
    static const std::string provider_page =
        std::string{kContractSelect} + "WHERE c.provider_org_id = :v AND c.id > :after ORDER BY c.id LIMIT :n";
    return contracts_page(sql, provider_page, provider_org_id, asked);
}

std::vector<std::int64_t> contracts_past_end(soci::session& sql, const std::string& today)
{
    std::vector<std::int64_t> out;
    soci::rowset<soci::row> rows = (sql.prepare << kPastEnd, soci::use(today));
    for (const auto& r : rows) out.push_back(db::int_at(r, 0));
    return out;
}

std::int64_t insert_contract(soci::session& sql, const contract& c)
{
    long long id = 0, call_off_key = c.call_off_id, award_key = c.award_id, dps = c.dps_id, lot = c.lot_id, tenant = c.tenant_id,
              provider = c.provider_org_id, value = c.value_pence;
    db::nullable rate{c.hourly_rate_pence}, hours{c.hours_per_week}, weekly{c.weekly_cost_pence}, block_hours{c.block_guaranteed_hours},
        block_discount{c.block_discount_percent};
    sql << kInsertContract, soci::use(call_off_key), soci::use(award_key), soci::use(dps), soci::use(lot), soci::use(tenant),
        soci::use(provider), soci::use(rate.v, rate.i), soci::use(hours.v, hours.i), soci::use(weekly.v, weekly.i), soci::use(c.starts_on),
        soci::use(c.ends_on), soci::use(value), soci::use(c.created_at), soci::use(c.created_at), soci::use(block_hours.v, block_hours.i),
        soci::use(block_discount.v, block_discount.i), soci::into(id);
    return id;
}

void set_contract_status(soci::session& sql, std::int64_t contract_id, contract_status status, const std::string& at)
{
    const std::string status_text{to_text(status)};
    long long key = contract_id;
    sql << kSetStatus, soci::use(status_text), soci::use(at), soci::use(key);
}

void write_terms(soci::session& sql, std::int64_t contract_id, const contract_terms& t, std::int64_t value_pence,
                 contract_status status, const std::string& at)
{
    const std::string status_text{to_text(status)};
    long long key = contract_id, value = value_pence;
    db::nullable r{t.hourly_rate_pence}, h{t.hours_per_week}, w{t.weekly_cost_pence}, bh{t.block_guaranteed_hours}, bd{t.block_discount_percent};
    sql << kUpdateTerms, soci::use(r.v, r.i), soci::use(h.v, h.i), soci::use(w.v, w.i), soci::use(bh.v, bh.i), soci::use(bd.v, bd.i),
        soci::use(t.ends_on), soci::use(value), soci::use(status_text), soci::use(at), soci::use(key);
}

std::optional<std::int64_t> contract_for_award(soci::session& sql, std::int64_t award_id)
{
    long long key = award_id, id = 0;
    sql << kForAward, soci::use(key), soci::into(id);
    if (!sql.got_data()) return std::nullopt;
    return id;
}

std::optional<std::pair<std::int64_t, std::int64_t>> contract_parties(soci::session& sql, std::int64_t contract_id)
{
    long long key = contract_id, tenant = 0, provider = 0;
    sql << kParties, soci::use(key), soci::into(tenant), soci::into(provider);
    if (!sql.got_data()) return std::nullopt;
    return std::pair<std::int64_t, std::int64_t>{tenant, provider};
}

std::vector<contract_change> contract_changes(soci::session& sql, std::int64_t contract_id)
{
    long long key = contract_id;
    std::vector<contract_change> out;
    soci::rowset<soci::row> rows = (sql.prepare << kChangeSelect << "WHERE contract_id = :id ORDER BY id", soci::use(key));
    for (const auto& r : rows) out.push_back(change_from(r));
    return out;
}

std::optional<contract_change> change_for_award(soci::session& sql, std::int64_t award_id)
{
    long long key = award_id;
    soci::rowset<soci::row> rows = (sql.prepare << kChangeSelect << "WHERE award_id = :id", soci::use(key));
    for (const auto& r : rows) return change_from(r);
    return std::nullopt;
}

std::optional<std::string> last_effective(soci::session& sql, std::int64_t contract_id)
{
    long long key = contract_id;
    std::string last;
    soci::indicator last_i = soci::i_null;
    sql << kLastEffective, soci::use(key), soci::into(last, last_i);
    if (last_i == soci::i_null) return std::nullopt;
    return last;
}

bool change_pending(soci::session& sql, std::int64_t contract_id)
{
    long long key = contract_id, n = 0;
    sql << kPending, soci::use(key), soci::into(n);
    return n > 0;
}

bool uplift_applied(soci::session& sql, std::int64_t contract_id, const std::string& effective_on)
{
    long long key = contract_id, n = 0;
    sql << kUpliftOn, soci::use(key), soci::use(effective_on), soci::into(n);
    return n > 0;
}

std::int64_t insert_change(soci::session& sql, const contract& before, const contract_change& ch)
{
    long long id = 0, contract_key = before.id, tenant = before.tenant_id, provider = before.provider_org_id,
              value_before = ch.value_before_pence, value_after = ch.value_after_pence;
    db::nullable award{ch.award_id}, rb{ch.hourly_rate_before}, ra{ch.hourly_rate_after}, hb{ch.hours_before}, ha{ch.hours_after},
        wb{ch.weekly_cost_before}, wa{ch.weekly_cost_after}, bhb{ch.block_hours_before}, bha{ch.block_hours_after},
        bdb{ch.block_discount_before}, bda{ch.block_discount_after};
    const std::string reason = ch.reason.value_or(""), decided_at = ch.decided_at.value_or(""), status{to_text(ch.status)};
    soci::indicator reason_i = ch.reason ? soci::i_ok : soci::i_null, decided_i = ch.decided_at ? soci::i_ok : soci::i_null;
    sql << kInsertChange, soci::use(contract_key), soci::use(tenant), soci::use(provider), soci::use(award.v, award.i), soci::use(ch.kind),
        soci::use(status), soci::use(ch.effective_on), soci::use(rb.v, rb.i), soci::use(ra.v, ra.i), soci::use(hb.v, hb.i),
        soci::use(ha.v, ha.i), soci::use(wb.v, wb.i), soci::use(wa.v, wa.i), soci::use(bhb.v, bhb.i), soci::use(bha.v, bha.i),
        soci::use(bdb.v, bdb.i), soci::use(bda.v, bda.i), soci::use(ch.ends_on_before), soci::use(ch.ends_on_after),
        soci::use(value_before), soci::use(value_after), soci::use(reason, reason_i), soci::use(ch.requested_by),
        soci::use(ch.created_at), soci::use(decided_at, decided_i), soci::into(id);
    return id;
}

void set_change_status(soci::session& sql, std::int64_t change_id, change_status status, const std::string& at)
{
    const std::string status_text{to_text(status)};
    long long key = change_id;
    sql << kSetChangeStatus, soci::use(status_text), soci::use(at), soci::use(key);
}

std::int64_t committed_spend(soci::session& sql, std::int64_t tenant_id, std::optional<std::int64_t> dps_id, const std::string& from,
                             const std::string& to)
{
    long long tenant = tenant_id, dps = dps_id.value_or(0), total = 0;
    soci::indicator total_i = soci::i_null;
    if (dps_id)
        sql << kCommittedOnDps, soci::use(tenant), soci::use(dps), soci::use(from), soci::use(to), soci::into(total, total_i);
    else
        sql << kCommitted, soci::use(tenant), soci::use(from), soci::use(to), soci::into(total, total_i);
    return total_i == soci::i_null ? 0 : total;
}

} // namespace dps::calloff::store
