// Row loaders, decision history and the dialect's row lock for call-offs, bids, awards, contracts.
#include "calloff/calloff_store.hpp"

#include "audit/audit_log.hpp"
#include "db/row_reader.hpp"
#include "plugins/iso_date.hpp"

#include <boost/json.hpp>
#include <soci/soci.h>

#include <map>

#include <algorithm>

namespace dps::calloff::store {
namespace {

constexpr const char* kCallOffSelect =
    "SELECT c.id, c.dps_id, c.lot_id, c.lead_tenant_id, c.tenant_id, l.code, c.title, c.package, c.weights, c.starts_on, "
    "c.duration_weeks, c.bid_deadline, c.status, c.published_at, c.created_at, c.updated_at "
    "FROM call_offs c JOIN lots l ON l.id = c.lot_id ";
constexpr const char* kBidSelect =
    "SELECT b.id, b.call_off_id, b.tenant_id, b.provider_org_id, p.name, b.hourly_rate_pence, b.hours_per_week, b.weekly_cost_pence, "
    "b.total_pence, b.earliest_start, b.notes, b.status, b.score, b.rank, b.submitted_at, b.updated_at "
    "FROM bids b JOIN provider_organisations p ON p.id = b.provider_org_id ";
constexpr const char* kAwardSelect =
    "SELECT id, call_off_id, tenant_id, bid_id, provider_org_id, kind, contract_id, value_pence, status, proposed_by, created_at, "
    "decided_at, block_guaranteed_hours, block_discount_percent FROM awards ";
constexpr const char* kContractSelect =
    "SELECT c.id, c.call_off_id, c.award_id, c.dps_id, c.lot_id, c.tenant_id, c.provider_org_id, p.name, c.hourly_rate_pence, "
    "c.hours_per_week, c.weekly_cost_pence, c.starts_on, c.ends_on, c.value_pence, c.status, c.created_at, c.updated_at, "
    "c.block_guaranteed_hours, c.block_discount_percent, l.code "
    "FROM contracts c JOIN provider_organisations p ON p.id = c.provider_org_id JOIN lots l ON l.id = c.lot_id ";
constexpr const char* kChangeSelect =
    "SELECT id, contract_id, award_id, kind, status, effective_on, hourly_rate_before, hourly_rate_after, hours_before, hours_after, "
    "weekly_cost_before, weekly_cost_after, block_hours_before, block_hours_after, block_discount_before, block_discount_after, "
    "ends_on_before, ends_on_after, value_before_pence, value_after_pence, reason, requested_by, created_at, decided_at "
    "FROM contract_changes ";

constexpr const char* kNegotiationSelect = "SELECT id, bafo_deadline, opened_by, opened_at FROM negotiation_rounds ";

boost::json::object object_of(const std::string& text)
{
    boost::system::error_code ec;
    auto v = boost::json::parse(text, ec);
    return !ec && v.is_object() ? v.get_object() : boost::json::object{};
}

call_off call_off_from(const soci::row& r)
{
    call_off c;
    c.id = db::int_at(r, 0);
    c.dps_id = db::int_at(r, 1);
    c.lot_id = db::int_at(r, 2);
    c.lead_tenant_id = db::int_at(r, 3);
    c.tenant_id = db::int_at(r, 4);
    c.lot_code = db::text_at(r, 5);
    c.title = db::text_at(r, 6);
    c.package = object_of(db::text_at(r, 7));
    c.weights = object_of(db::text_at(r, 8));
    c.starts_on = db::text_at(r, 9);
    c.duration_weeks = db::int_at(r, 10);
    c.bid_deadline = db::text_at(r, 11);
    c.status = db::text_at(r, 12);
    c.published_at = db::opt_text_at(r, 13);
    c.created_at = db::text_at(r, 14);
    c.updated_at = db::text_at(r, 15);
    return c;
}

std::optional<double> opt_double_at(const soci::row& r, std::size_t i)
{
    if (r.get_indicator(i) == soci::i_null) return std::nullopt;
    if (r.get_properties(i).get_data_type() == soci::dt_double) return r.get<double>(i);
    return static_cast<double>(db::int_at(r, i));
}

bid bid_from(const soci::row& r)
{
    bid b;
    b.id = db::int_at(r, 0);
    b.call_off_id = db::int_at(r, 1);
    b.tenant_id = db::int_at(r, 2);
    b.provider_org_id = db::int_at(r, 3);
    b.provider_name = db::text_at(r, 4);
    b.hourly_rate_pence = db::opt_int_at(r, 5);
    b.hours_per_week = db::opt_int_at(r, 6);
    b.weekly_cost_pence = db::opt_int_at(r, 7);
    b.total_pence = db::int_at(r, 8);
    b.earliest_start = db::text_at(r, 9);
    b.notes = db::text_at(r, 10);
    b.status = db::text_at(r, 11);
    b.score = opt_double_at(r, 12);
    b.rank = db::opt_int_at(r, 13);
    b.submitted_at = db::text_at(r, 14);
    b.updated_at = db::text_at(r, 15);
    return b;
}

contract contract_from(const soci::row& r)
{
    contract c;
    c.id = db::int_at(r, 0);
    c.call_off_id = db::int_at(r, 1);
    c.award_id = db::int_at(r, 2);
    c.dps_id = db::int_at(r, 3);
    c.lot_id = db::int_at(r, 4);
    c.tenant_id = db::int_at(r, 5);
    c.provider_org_id = db::int_at(r, 6);
    c.provider_name = db::text_at(r, 7);
    c.hourly_rate_pence = db::opt_int_at(r, 8);
    c.hours_per_week = db::opt_int_at(r, 9);
    c.weekly_cost_pence = db::opt_int_at(r, 10);
    c.starts_on = db::text_at(r, 11);
    c.ends_on = db::text_at(r, 12);
    c.value_pence = db::int_at(r, 13);
    c.status = db::text_at(r, 14);
    c.created_at = db::text_at(r, 15);
    c.updated_at = db::text_at(r, 16);
    c.block_guaranteed_hours = db::opt_int_at(r, 17);
    c.block_discount_percent = db::opt_int_at(r, 18);
    c.lot_code = db::text_at(r, 19);
    return c;
}

contract_change change_from(const soci::row& r)
{
    contract_change c;
    c.id = db::int_at(r, 0);
    c.contract_id = db::int_at(r, 1);
    c.award_id = db::opt_int_at(r, 2);
    c.kind = db::text_at(r, 3);
    c.status = db::text_at(r, 4);
    c.effective_on = db::text_at(r, 5);
    c.hourly_rate_before = db::opt_int_at(r, 6);
    c.hourly_rate_after = db::opt_int_at(r, 7);
    c.hours_before = db::opt_int_at(r, 8);
    c.hours_after = db::opt_int_at(r, 9);
    c.weekly_cost_before = db::opt_int_at(r, 10);
    c.weekly_cost_after = db::opt_int_at(r, 11);
    c.block_hours_before = db::opt_int_at(r, 12);
    c.block_hours_after = db::opt_int_at(r, 13);
    c.block_discount_before = db::opt_int_at(r, 14);
    c.block_discount_after = db::opt_int_at(r, 15);
    c.ends_on_before = db::text_at(r, 16);
    c.ends_on_after = db::text_at(r, 17);
    c.value_before_pence = db::int_at(r, 18);
    c.value_after_pence = db::int_at(r, 19);
    c.reason = db::opt_text_at(r, 20);
    c.requested_by = db::text_at(r, 21);
    c.created_at = db::text_at(r, 22);
    c.decided_at = db::opt_text_at(r, 23);
    return c;
}

} // namespace

const char* lock_rows(db::backend kind) { return kind == db::backend::postgresql ? " FOR NO KEY UPDATE" : ""; }

std::vector<call_off> list_for_council(soci::session& sql, std::int64_t tenant_id)
{
    std::vector<call_off> out;
    long long key = tenant_id;
    {
        soci::rowset<soci::row> rows = (sql.prepare << kCallOffSelect << "WHERE c.tenant_id = :t ORDER BY c.id", soci::use(key));
        for (const auto& r : rows) out.push_back(call_off_from(r));
    }
    std::map<std::int64_t, std::int64_t> counts;
    {
        soci::rowset<soci::row> rows = (sql.prepare << "SELECT call_off_id, count(*) FROM bids WHERE tenant_id = :t "
                                                       "AND status <> 'withdrawn' GROUP BY call_off_id",
                                        soci::use(key));
        for (const auto& r : rows) counts[db::int_at(r, 0)] = db::int_at(r, 1);
    }
    for (auto& c : out) c.bids_received = counts.count(c.id) ? counts[c.id] : 0;
    return out;
}

std::vector<call_off> list_for_provider(soci::session& sql, std::int64_t provider_org_id)
{
    std::vector<call_off> out;
    long long key = provider_org_id;
    soci::rowset<soci::row> rows =
        (sql.prepare << kCallOffSelect
                     << "WHERE c.status <> 'draft' AND EXISTS (SELECT 1 FROM applications a JOIN provider_organisations p "
                        "ON p.id = a.provider_org_id WHERE a.lot_id = c.lot_id AND a.provider_org_id = :v AND a.status = 'admitted' "
                        "AND p.status = 'active') ORDER BY c.id",
         soci::use(key));
    for (const auto& r : rows) out.push_back(call_off_from(r));
    return out;
}

std::optional<call_off> load_call_off(soci::session& sql, std::int64_t id, const char* lock)
{
    long long key = id;
    // A locking read cannot join (PostgreSQL would lock the lot too): lock the call-off row alone first.
    if (*lock) {
        long long found = 0;
        soci::indicator ind = soci::i_null;
        sql << std::string{"SELECT id FROM call_offs WHERE id = :id"} + lock, soci::use(key), soci::into(found, ind);
        if (!sql.got_data()) return std::nullopt;
    }
    soci::rowset<soci::row> rows = (sql.prepare << kCallOffSelect << "WHERE c.id = :id", soci::use(key));
    for (const auto& r : rows) return call_off_from(r);
    return std::nullopt;
}

std::optional<bid> load_bid(soci::session& sql, std::int64_t id)
{
    long long key = id;
    soci::rowset<soci::row> rows = (sql.prepare << kBidSelect << "WHERE b.id = :id", soci::use(key));
    for (const auto& r : rows) return bid_from(r);
    return std::nullopt;
}

std::vector<bid> live_bids(soci::session& sql, std::int64_t call_off_id)
{
    long long key = call_off_id;
    std::vector<bid> out;
    soci::rowset<soci::row> rows =
        (sql.prepare << kBidSelect << "WHERE b.call_off_id = :id AND b.status <> 'withdrawn' ORDER BY b.rank, b.id", soci::use(key));
    for (const auto& r : rows) out.push_back(bid_from(r));
    return out;
}

std::int64_t count_live_bids(soci::session& sql, std::int64_t call_off_id)
{
    long long key = call_off_id, n = 0;
    sql << "SELECT count(*) FROM bids WHERE call_off_id = :id AND status <> 'withdrawn'", soci::use(key), soci::into(n);
    return n;
}

std::optional<negotiation> load_negotiation(soci::session& sql, std::int64_t call_off_id)
{
    long long key = call_off_id;
    std::optional<negotiation> n;
    {
        soci::rowset<soci::row> rows = (sql.prepare << kNegotiationSelect << "WHERE call_off_id = :id", soci::use(key));
        for (const auto& r : rows) n = negotiation{db::int_at(r, 0), db::text_at(r, 1), db::text_at(r, 2), db::text_at(r, 3), {}, std::nullopt};
    }
    if (!n) return n;
    long long round = n->id;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT bid_id FROM negotiation_shortlist WHERE round_id = :r ORDER BY bid_id", soci::use(round));
    for (const auto& r : rows) n->shortlisted_bid_ids.push_back(db::int_at(r, 0));
    return n;
}

bool shortlisted(const negotiation& n, std::int64_t bid_id)
{
    return std::find(n.shortlisted_bid_ids.begin(), n.shortlisted_bid_ids.end(), bid_id) != n.shortlisted_bid_ids.end();
}

bool bids_sealed(const call_off& c, const std::optional<negotiation>& n, const std::string& now)
{
    if (c.status == "draft") return true;
    if (c.status == "open") return now < c.bid_deadline;
    if (c.status == "negotiating") return !n || now < n->bafo_deadline;
    return false;
}

std::optional<award> load_award(soci::session& sql, std::int64_t id, const char* lock)
{
    long long key = id;
    std::optional<award> a;
    {
        soci::rowset<soci::row> rows = (sql.prepare << kAwardSelect << "WHERE id = :id" << lock, soci::use(key));
        for (const auto& r : rows)
            a = award{db::int_at(r, 0), db::int_at(r, 1), db::int_at(r, 2), db::int_at(r, 3), db::int_at(r, 4), db::text_at(r, 5),
                      db::opt_int_at(r, 6), db::int_at(r, 7), db::text_at(r, 8), db::text_at(r, 9), db::text_at(r, 10),
                      db::opt_text_at(r, 11), {}, db::opt_int_at(r, 12), db::opt_int_at(r, 13)};
    }
    if (!a) return a;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT id, step, authority, in_consultation_with, status, decided_by, comment, decided_at FROM award_approvals "
                        "WHERE award_id = :id ORDER BY step",
         soci::use(key));
    for (const auto& r : rows) {
        approval s{db::int_at(r, 0), db::int_at(r, 1), db::text_at(r, 2), {}, db::text_at(r, 4), db::opt_text_at(r, 5),
                   db::opt_text_at(r, 6), db::opt_text_at(r, 7)};
        boost::system::error_code ec;
        auto consulted = boost::json::parse(db::text_at(r, 3), ec);
        if (!ec && consulted.is_array())
            for (const auto& c : consulted.get_array())
                if (c.is_string()) s.in_consultation_with.emplace_back(c.get_string());
        a->approvals.push_back(std::move(s));
    }
    return a;
}

std::optional<contract> load_contract(soci::session& sql, std::int64_t id)
{
    long long key = id;
    soci::rowset<soci::row> rows = (sql.prepare << kContractSelect << "WHERE c.id = :id", soci::use(key));
    for (const auto& r : rows) return contract_from(r);
    return std::nullopt;
}

std::optional<contract> load_contract(soci::session& sql, std::int64_t id, const char* lock)
{
    if (*lock) {
        long long key = id, found = 0;
        sql << std::string{"SELECT id FROM contracts WHERE id = :id"} + lock, soci::use(key), soci::into(found);
        if (!sql.got_data()) return std::nullopt;
    }
    return load_contract(sql, id);
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

std::int64_t insert_award(soci::session& sql, const new_award& a, const std::vector<plugins::approval_step>& route,
                          const identity::acting& by, const clock& now)
{
    const std::string at = format_timestamp(now.now()), actor = by.actor();
    long long id = 0, call_off_key = a.call_off_id, tenant = a.tenant_id, bid_key = a.bid_id, provider = a.provider_org_id,
              value = a.value_pence, contract = a.contract_id.value_or(0), block_hours = a.block_guaranteed_hours.value_or(0),
              block_discount = a.block_discount_percent.value_or(0);
    soci::indicator contract_i = a.contract_id ? soci::i_ok : soci::i_null,
                    hours_i = a.block_guaranteed_hours ? soci::i_ok : soci::i_null,
                    discount_i = a.block_discount_percent ? soci::i_ok : soci::i_null;
    sql << "INSERT INTO awards (call_off_id, tenant_id, bid_id, provider_org_id, kind, contract_id, value_pence, status, proposed_by, "
           "created_at, block_guaranteed_hours, block_discount_percent) "
           "VALUES (:c, :t, :b, :p, :k, :contract, :v, 'pending', :by, :at, :bh, :bd) RETURNING id",
        soci::use(call_off_key), soci::use(tenant), soci::use(bid_key), soci::use(provider), soci::use(a.kind),
        soci::use(contract, contract_i), soci::use(value), soci::use(actor), soci::use(at), soci::use(block_hours, hours_i),
        soci::use(block_discount, discount_i), soci::into(id);
    long long step = 0;
    for (const auto& s : route) {
        ++step;
        boost::json::array consulted;
        for (const auto& name : s.in_consultation_with) consulted.emplace_back(name);
        const std::string consulted_text = boost::json::serialize(consulted);
        sql << "INSERT INTO award_approvals (award_id, tenant_id, step, authority, in_consultation_with, status) "
               "VALUES (:a, :t, :s, :au, :c, 'pending')",
            soci::use(id), soci::use(tenant), soci::use(step), soci::use(s.authority), soci::use(consulted_text);
    }
    return id;
}

bool admitted(soci::session& sql, std::int64_t lot_id, std::int64_t provider_id)
{
    long long lot = lot_id, provider = provider_id, n = 0;
    sql << "SELECT count(*) FROM applications a JOIN provider_organisations p ON p.id = a.provider_org_id "
           "WHERE a.lot_id = :l AND a.provider_org_id = :p AND a.status = 'admitted' AND p.status = 'active'",
        soci::use(lot), soci::use(provider), soci::into(n);
    return n > 0;
}

bool visible_to(soci::session& sql, const call_off& c, const identity::acting& by)
{
    if (!by.caller) return true;
    if (by.caller->tenant_id) return *by.caller->tenant_id == c.tenant_id;
    if (by.caller->provider_org_id) return c.status != "draft" && admitted(sql, c.lot_id, *by.caller->provider_org_id);
    return false; // operators do not read councils' business data
}

void record(soci::session& sql, const call_off& c, std::optional<std::int64_t> provider, const std::string& entity_type,
            std::int64_t entity_id, const std::string& action, const std::optional<std::string>& from, const std::string& to,
            const std::optional<std::string>& reason, const identity::acting& by, const clock& now)
{
    long long call_off_key = c.id, tenant = c.tenant_id, entity = entity_id, provider_v = provider.value_or(0);
    soci::indicator provider_i = provider ? soci::i_ok : soci::i_null;
    std::string from_v = from.value_or(""), reason_v = reason.value_or("");
    soci::indicator from_i = from ? soci::i_ok : soci::i_null, reason_i = reason ? soci::i_ok : soci::i_null;
    const std::string actor = by.actor(), at = format_timestamp(now.now());
    sql << "INSERT INTO call_off_decisions (call_off_id, tenant_id, provider_org_id, entity_type, entity_id, action, from_status, "
           "to_status, reason, actor, decided_at) VALUES (:c, :t, :p, :et, :e, :a, :f, :to, :r, :actor, :at)",
        soci::use(call_off_key), soci::use(tenant), soci::use(provider_v, provider_i), soci::use(entity_type), soci::use(entity),
        soci::use(action), soci::use(from_v, from_i), soci::use(to), soci::use(reason_v, reason_i), soci::use(actor), soci::use(at);
    boost::json::object payload{{"action", action}, {"to", to}, {"call_off_id", c.id}};
    if (from) payload["from"] = *from;
    if (reason) payload["reason"] = *reason;
    // A provider's own acts are audited under the provider (row-level security keeps them its own);
    // a council's under the calling council.
    const bool by_provider = by.caller && by.caller->provider_org_id;
    audit::record(sql, audit::entry{by.actor(), by_provider ? std::nullopt : std::optional<std::int64_t>{c.tenant_id},
                                    provider, entity_type + "." + action, entity_type, std::to_string(entity_id), by.request_id,
                                    boost::json::serialize(payload), now.now()});
}

void move_call_off(soci::session& sql, call_off& c, const std::string& action, const std::string& to,
                   const std::optional<std::string>& reason, const identity::acting& by, const clock& now)
{
    const std::string from = c.status, at = format_timestamp(now.now());
    long long key = c.id;
    sql << "UPDATE call_offs SET status = :s, updated_at = :at WHERE id = :id", soci::use(to), soci::use(at), soci::use(key);
    c.status = to;
    c.updated_at = at;
    record(sql, c, std::nullopt, "call_off", c.id, action, from, to, reason, by, now);
}

std::string add_days(const std::string& date, long long days)
{
    using namespace std::chrono;
    return plugins::format_iso_date(year_month_day{sys_days{*plugins::parse_iso_date(date)} + std::chrono::days{days}});
}

std::string pounds(std::int64_t pence)
{
    const bool negative = pence < 0;
    const std::int64_t whole = (negative ? -pence : pence) / 100, part = (negative ? -pence : pence) % 100;
    std::string digits = std::to_string(whole), grouped;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
        grouped += digits[i];
    }
    return std::string{negative ? "-" : ""} + "£" + grouped + "." + (part < 10 ? "0" : "") + std::to_string(part);
}


} // namespace dps::calloff::store
