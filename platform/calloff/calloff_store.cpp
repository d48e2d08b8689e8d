// The SQL of call-offs, their negotiation rounds, spot purchases and decision history.
#include "calloff/calloff_store.hpp"

#include "audit/audit_store.hpp"
#include "db/binding.hpp"
#include "db/query.hpp"
#include "db/row_reader.hpp"

#include <boost/json.hpp>
#include <soci/soci.h>

#include <algorithm>
#include <cctype>
#include <map>

namespace dps::calloff::store {
namespace {

#define DPS_CALL_OFF_COLUMNS                                                                                         \
    "c.id, c.dps_id, c.lot_id, c.lead_tenant_id, c.tenant_id, l.code, c.title, c.package, c.weights, c.starts_on, "    \
    "c.duration_weeks, c.bid_deadline, c.status, c.published_at, c.created_at, c.updated_at "
constexpr const char* kCallOffSelect = "SELECT " DPS_CALL_OFF_COLUMNS "FROM call_offs c JOIN lots l ON l.id = c.lot_id ";
// One call-off as a provider reads it, with whether the provider is admitted to its lot and its
// organisation active (as a column): the hot read is one round trip, not two.
constexpr const char* kCallOffForProvider =
    "SELECT " DPS_CALL_OFF_COLUMNS ", (SELECT count(*) FROM applications a JOIN provider_organisations p "
    "ON p.id = a.provider_org_id WHERE a.lot_id = c.lot_id AND a.provider_org_id = :p AND a.status = 'admitted' "
    "AND p.status = 'active') AS admitted FROM call_offs c JOIN lots l ON l.id = c.lot_id WHERE c.id = :id";
#undef DPS_CALL_OFF_COLUMNS
const std::string kCallOffById = std::string{kCallOffSelect} + "WHERE c.id = :id";
constexpr const char* kLockCallOff = "SELECT id FROM call_offs WHERE id = :id";
// A page's live bid counts: the council's bids on the call-offs from the page's first id to its last.
constexpr const char* kLiveBidCounts =
    "SELECT call_off_id, count(*) FROM bids WHERE tenant_id = :t AND call_off_id >= :first AND call_off_id <= :last "
    "AND status <> 'withdrawn' GROUP BY call_off_id";
// Keyset pages (core/paging.hpp): after an id, in id order, one row more than the page.
constexpr const char* kCouncilPage = "WHERE c.tenant_id = :t AND c.id > :after ORDER BY c.id LIMIT :n";
constexpr const char* kProviderPage =
    "WHERE c.status <> 'draft' AND c.id > :after AND EXISTS (SELECT 1 FROM applications a JOIN provider_organisations p "
    "ON p.id = a.provider_org_id WHERE a.lot_id = c.lot_id AND a.provider_org_id = :v AND a.status = 'admitted' "
    "AND p.status = 'active') ORDER BY c.id LIMIT :n";
constexpr const char* kInsertCallOff =
    "INSERT INTO call_offs (dps_id, lot_id, lead_tenant_id, tenant_id, title, package, starts_on, duration_weeks, bid_deadline, "
    "weights, status, created_at, updated_at) VALUES (:d, :l, :lead, :t, :title, :p, :s, :w, :deadline, :weights, 'draft', :at, :at2) "
    "RETURNING id";
constexpr const char* kSetPublished = "UPDATE call_offs SET published_at = :at WHERE id = :id";
constexpr const char* kSetStatus = "UPDATE call_offs SET status = :s, updated_at = :at WHERE id = :id";
constexpr const char* kTenantOf = "SELECT tenant_id FROM call_offs WHERE id = :id";
constexpr const char* kLockTenant = "SELECT id FROM tenants WHERE id = :t";

constexpr const char* kPartnerHasLot =
    "SELECT count(*) FROM agreement_lots al JOIN access_agreements ag ON ag.id = al.agreement_id WHERE al.lot_id = :l "
    "AND al.dropped_on IS NULL AND ag.status IN ('active', 'notice_given') AND ag.partner_tenant_id = :t";

constexpr const char* kNegotiationSelect = "SELECT id, bafo_deadline, opened_by, opened_at FROM negotiation_rounds WHERE call_off_id = :id";
constexpr const char* kShortlistSelect = "SELECT bid_id FROM negotiation_shortlist WHERE round_id = :r ORDER BY bid_id";
constexpr const char* kInsertNegotiation =
    "INSERT INTO negotiation_rounds (call_off_id, tenant_id, bafo_deadline, opened_by, opened_at) VALUES (:c, :t, :d, :by, :at) RETURNING id";
constexpr const char* kInsertShortlisted =
    "INSERT INTO negotiation_shortlist (round_id, call_off_id, tenant_id, bid_id, provider_org_id) VALUES (:r, :c, :t, :b, :p)";
constexpr const char* kProviderShortlisted = "SELECT count(*) FROM negotiation_shortlist WHERE round_id = :r AND provider_org_id = :p";

constexpr const char* kInsertSpotPurchase =
    "INSERT INTO spot_purchases (call_off_id, tenant_id, provider_name, hourly_rate_pence, hours_per_week, cost_pence, recorded_at, "
    "reason) VALUES (:c, :t, :n, :r, :h, :cost, :at, :why) RETURNING id";
constexpr const char* kSpotSelect =
    "SELECT s.id, s.call_off_id, s.tenant_id, s.provider_name, s.hourly_rate_pence, s.hours_per_week, s.cost_pence, s.recorded_at, "
    "s.reason, c.dps_id, c.lot_id, c.lead_tenant_id, l.code, c.title "
    "FROM spot_purchases s JOIN call_offs c ON c.id = s.call_off_id JOIN lots l ON l.id = c.lot_id ";
// Every filter bound every time (an unused one as 0 or ''), so the statement text never varies.
constexpr const char* kSpotList =
    "WHERE (s.tenant_id = :me OR c.lead_tenant_id = :me2) AND (:d = 0 OR c.dps_id = :d2) AND (:lot = '' OR l.code = :lot2) "
    "AND (:from = '' OR s.recorded_at >= :from2) AND (:to = '' OR s.recorded_at < :to2) "
    "AND (:p = '' OR lower(s.provider_name) LIKE :p2 ESCAPE '!') ORDER BY s.recorded_at, s.id";

constexpr const char* kInsertDecision =
    "INSERT INTO call_off_decisions (call_off_id, tenant_id, provider_org_id, entity_type, entity_id, action, from_status, "
    "to_status, reason, actor, decided_at) VALUES (:c, :t, :p, :et, :e, :a, :f, :to, :r, :actor, :at)";
constexpr const char* kDecisionSelect =
    "SELECT id, entity_type, entity_id, action, from_status, to_status, reason, actor, decided_at "
    "FROM call_off_decisions WHERE call_off_id = :c ORDER BY id";

boost::json::object object_of(const std::string& text)
{
    boost::system::error_code ec;
    auto v = boost::json::parse(text, ec);
    return !ec && v.is_object() ? v.get_object() : boost::json::object{};
}

// Beside kCallOffSelect: one mapper, by column name.
call_off call_off_from(const soci::row& r)
{
    call_off c;
    c.id = db::int_of(r, "id");
    c.dps_id = db::int_of(r, "dps_id");
    c.lot_id = db::int_of(r, "lot_id");
    c.lead_tenant_id = db::int_of(r, "lead_tenant_id");
    c.tenant_id = db::int_of(r, "tenant_id");
    c.lot_code = db::text_of(r, "code");
    c.title = db::text_of(r, "title");
    c.package = object_of(db::text_of(r, "package"));
    c.weights = object_of(db::text_of(r, "weights"));
    c.starts_on = db::text_of(r, "starts_on");
    c.duration_weeks = db::int_of(r, "duration_weeks");
    c.bid_deadline = db::text_of(r, "bid_deadline");
    c.status = db::enum_of<call_off_status>(r, "status");
    c.published_at = db::opt_text_of(r, "published_at");
    c.created_at = db::text_of(r, "created_at");
    c.updated_at = db::text_of(r, "updated_at");
    return c;
}

spot_purchase spot_from(const soci::row& r)
{
    spot_purchase s;
    s.id = db::int_of(r, "id");
    s.call_off_id = db::int_of(r, "call_off_id");
    s.tenant_id = db::int_of(r, "tenant_id");
    s.provider_name = db::text_of(r, "provider_name");
    s.hourly_rate_pence = db::opt_int_of(r, "hourly_rate_pence");
    s.hours_per_week = db::opt_int_of(r, "hours_per_week");
    s.cost_pence = db::int_of(r, "cost_pence");
    s.recorded_at = db::text_of(r, "recorded_at");
    s.reason = db::opt_text_of(r, "reason");
    s.dps_id = db::int_of(r, "dps_id");
    s.lot_id = db::int_of(r, "lot_id");
    s.lead_tenant_id = db::int_of(r, "lead_tenant_id");
    s.lot_code = db::text_of(r, "code");
    s.call_off_title = db::text_of(r, "title");
    return s;
}

decision decision_from(const soci::row& r)
{
    return decision{db::int_of(r, "id"),          db::int_of(r, "entity_id"), db::text_of(r, "entity_type"),
                    db::text_of(r, "action"),     db::opt_text_of(r, "from_status"), db::text_of(r, "to_status"),
                    db::opt_text_of(r, "reason"), db::text_of(r, "actor"),     db::text_of(r, "decided_at")};
}

} // namespace

const char* lock_rows(db::backend kind) { return kind == db::backend::postgresql ? " FOR NO KEY UPDATE" : ""; }

void lock_council(soci::session& sql, std::int64_t tenant_id, db::backend kind)
{
    long long tenant = tenant_id, locked = 0;
    sql << std::string{kLockTenant} + lock_rows(kind), soci::use(tenant), soci::into(locked);
}

page<call_off> list_for_council(soci::session& sql, std::int64_t tenant_id, const page_request& asked)
{
    static const std::string council_page = std::string{kCallOffSelect} + kCouncilPage;
    std::vector<call_off> rows;
    db::query(sql, council_page).bind(tenant_id).bind(asked.after_id()).bind(asked.rows_to_read()).each([&](const soci::row& r) {
        rows.push_back(call_off_from(r));
    });
    auto out = to_page(std::move(rows), asked);
    if (out.items.empty()) return out;
    std::map<std::int64_t, std::int64_t> counts;
    db::query(sql, kLiveBidCounts).bind(tenant_id).bind(out.items.front().id).bind(out.items.back().id).each([&](const soci::row& r) {
        counts[db::int_at(r, 0)] = db::int_at(r, 1);
    });
    for (auto& c : out.items) c.bids_received = counts.count(c.id) ? counts[c.id] : 0;
    return out;
}

page<call_off> list_for_provider(soci::session& sql, std::int64_t provider_org_id, const page_request& asked)
{
    static const std::string provider_page = std::string{kCallOffSelect} + kProviderPage;
    std::vector<call_off> rows;
    db::query(sql, provider_page).bind(asked.after_id()).bind(provider_org_id).bind(asked.rows_to_read()).each([&](const soci::row& r) {
        rows.push_back(call_off_from(r));
    });
    return to_page(std::move(rows), asked);
}

std::optional<call_off> load_call_off(soci::session& sql, std::int64_t id, const char* lock)
{
    long long key = id;
    // A locking read cannot join (PostgreSQL would lock the lot too): lock the call-off row alone first.
    if (*lock) {
        long long found = 0;
        soci::indicator found_i = soci::i_null;
        sql << std::string{kLockCallOff} + lock, soci::use(key), soci::into(found, found_i);
        if (!sql.got_data()) return std::nullopt;
    }
    // One round trip, prepared once per connection (db/query.hpp).
    return db::query(sql, kCallOffById).bind(id).one(call_off_from);
}

std::int64_t insert_call_off(soci::session& sql, const call_off& c)
{
    const std::string package_text = boost::json::serialize(c.package), weights_text = boost::json::serialize(c.weights);
    long long id = 0, dps = c.dps_id, lot = c.lot_id, lead = c.lead_tenant_id, tenant = c.tenant_id, weeks = c.duration_weeks;
    sql << kInsertCallOff, soci::use(dps), soci::use(lot), soci::use(lead), soci::use(tenant), soci::use(c.title),
        soci::use(package_text), soci::use(c.starts_on), soci::use(weeks), soci::use(c.bid_deadline), soci::use(weights_text),
        soci::use(c.created_at), soci::use(c.created_at), soci::into(id);
    return id;
}

void set_published(soci::session& sql, std::int64_t call_off_id, const std::string& at)
{
    db::query(sql, kSetPublished).bind(at).bind(call_off_id).run();
}

std::optional<std::int64_t> call_off_tenant(soci::session& sql, std::int64_t call_off_id)
{
    return db::query(sql, kTenantOf).bind(call_off_id).one_int();
}

bool partner_has_lot(soci::session& sql, std::int64_t lot_id, std::int64_t tenant_id)
{
    return db::query(sql, kPartnerHasLot).bind(lot_id).bind(tenant_id).one_int().value_or(0) > 0;
}

std::optional<call_off> load_visible_call_off(soci::session& sql, std::int64_t id, const identity::acting& by)
{
    if (by.caller && by.caller->provider_org_id) {
        // An admitted, active provider once published; the admission read in the same statement.
        auto seen = db::query(sql, kCallOffForProvider).bind(*by.caller->provider_org_id).bind(id).one([](const soci::row& r) {
            return std::pair{call_off_from(r), db::int_of(r, "admitted") > 0};
        });
        if (!seen || seen->first.status == call_off_status::draft || !seen->second) return std::nullopt;
        return std::move(seen->first);
    }
    auto c = load_call_off(sql, id);
    if (!c) return std::nullopt;
    if (!by.caller) return c; // the platform's own sweeps
    if (by.caller->tenant_id && *by.caller->tenant_id == c->tenant_id) return c; // the calling council
    return std::nullopt; // another council; operators do not read councils' business data
}

std::optional<negotiation> load_negotiation(soci::session& sql, std::int64_t call_off_id)
{
    long long key = call_off_id;
    soci::row r;
    sql << kNegotiationSelect, soci::use(key), soci::into(r);
    if (!sql.got_data()) return std::nullopt;
    std::optional<negotiation> n{negotiation{db::int_of(r, "id"), db::text_of(r, "bafo_deadline"), db::text_of(r, "opened_by"),
                                             db::text_of(r, "opened_at"), {}, std::nullopt}};
    long long round = n->id;
    soci::rowset<soci::row> rows = (sql.prepare << kShortlistSelect, soci::use(round));
    for (const auto& listed : rows) n->shortlisted_bid_ids.push_back(db::int_at(listed, 0));
    return n;
}

std::optional<negotiation> load_negotiation(soci::session& sql, const call_off& c)
{
    if (c.status == call_off_status::draft || c.status == call_off_status::open) return std::nullopt;
    return load_negotiation(sql, c.id);
}

bool shortlisted(const negotiation& n, std::int64_t bid_id)
{
    return std::find(n.shortlisted_bid_ids.begin(), n.shortlisted_bid_ids.end(), bid_id) != n.shortlisted_bid_ids.end();
}

std::int64_t insert_negotiation(soci::session& sql, const call_off& c, const negotiation& n)
{
    long long round = 0, call_off_key = c.id, tenant = c.tenant_id;
    sql << kInsertNegotiation, soci::use(call_off_key), soci::use(tenant), soci::use(n.bafo_deadline), soci::use(n.opened_by),
        soci::use(n.opened_at), soci::into(round);
    return round;
}

void insert_shortlisted(soci::session& sql, std::int64_t round_id, const bid& b)
{
    long long round = round_id, call_off_key = b.call_off_id, tenant = b.tenant_id, bid_key = b.id, provider = b.provider_org_id;
    sql << kInsertShortlisted, soci::use(round), soci::use(call_off_key), soci::use(tenant), soci::use(bid_key), soci::use(provider);
}

bool provider_shortlisted(soci::session& sql, std::int64_t round_id, std::int64_t provider_org_id)
{
    long long round = round_id, provider = provider_org_id, n = 0;
    sql << kProviderShortlisted, soci::use(round), soci::use(provider), soci::into(n);
    return n > 0;
}

bool bids_sealed(const call_off& c, const std::optional<negotiation>& n, const std::string& now)
{
    if (c.status == call_off_status::draft) return true;
    if (c.status == call_off_status::open) return now < c.bid_deadline;
    if (c.status == call_off_status::negotiating) return !n || now < n->bafo_deadline;
    return false;
}

std::int64_t insert_spot_purchase(soci::session& sql, const spot_purchase& s)
{
    long long id = 0, call_off_key = s.call_off_id, tenant = s.tenant_id, rate = s.hourly_rate_pence.value_or(0),
              hours = s.hours_per_week.value_or(0), cost = s.cost_pence;
    soci::indicator rate_i = db::indicator(s.hourly_rate_pence.has_value()), hours_i = db::indicator(s.hours_per_week.has_value());
    const std::string reason = s.reason.value_or("");
    soci::indicator reason_i = db::indicator(s.reason.has_value());
    sql << kInsertSpotPurchase, soci::use(call_off_key), soci::use(tenant), soci::use(s.provider_name), soci::use(rate, rate_i),
        soci::use(hours, hours_i), soci::use(cost), soci::use(s.recorded_at), soci::use(reason, reason_i), soci::into(id);
    return id;
}

std::optional<spot_purchase> load_spot_purchase(soci::session& sql, std::int64_t id)
{
    long long key = id;
    soci::rowset<soci::row> rows = (sql.prepare << kSpotSelect << "WHERE s.id = :id", soci::use(key));
    for (const auto& r : rows) return spot_from(r);
    return std::nullopt;
}

std::vector<spot_purchase> list_spot_purchases(soci::session& sql, const spot_filter& f)
{
    long long me = f.viewer_tenant_id, dps = f.dps_id.value_or(0);
    const std::string lot = f.lot_code.value_or(""), from = f.from.value_or(""), to = f.to.value_or("");
    // A substring match on the name, case-insensitive, with LIKE's own characters taken literally.
    std::string pattern;
    if (f.provider_contains) {
        pattern = "%";
        for (unsigned char ch : *f.provider_contains) {
            if (ch == '%' || ch == '_' || ch == '!') pattern += '!';
            pattern += static_cast<char>(std::tolower(ch));
        }
        pattern += "%";
    }
    std::vector<spot_purchase> out;
    soci::rowset<soci::row> rows = (sql.prepare << kSpotSelect << kSpotList, soci::use(me), soci::use(me), soci::use(dps), soci::use(dps),
                                    soci::use(lot), soci::use(lot), soci::use(from), soci::use(from), soci::use(to), soci::use(to),
                                    soci::use(pattern), soci::use(pattern));
    for (const auto& r : rows) out.push_back(spot_from(r));
    return out;
}

void record(soci::session& sql, const call_off& c, const new_decision& m, const identity::acting& by, const clock& now)
{
    const std::string actor = by.actor(), at = format_timestamp(now.now());
    db::query(sql, kInsertDecision)
        .bind(c.id).bind(c.tenant_id).bind(m.provider).bind(m.entity_type).bind(m.entity_id).bind(m.action.text)
        .bind(m.from ? std::optional<std::string>{m.from->text} : std::nullopt).bind(m.to.text).bind(m.reason).bind(actor).bind(at)
        .run();
    boost::json::object payload{{"action", m.action.text}, {"to", m.to.text}, {"call_off_id", c.id}};
    if (m.from) payload["from"] = m.from->text;
    if (m.reason) payload["reason"] = *m.reason;
    // A provider's own acts are audited under the provider (row-level security keeps them its own);
    // a council's under the calling council.
    const bool by_provider = by.caller && by.caller->provider_org_id;
    audit::record(sql, audit::entry{actor, by_provider ? std::nullopt : std::optional<std::int64_t>{c.tenant_id}, m.provider,
                                    m.entity_type + "." + m.action.text, m.entity_type, std::to_string(m.entity_id), by.request_id,
                                    boost::json::serialize(payload), now.now()});
}

std::vector<decision> decisions_of(soci::session& sql, std::int64_t call_off_id)
{
    long long key = call_off_id;
    std::vector<decision> out;
    soci::rowset<soci::row> rows = (sql.prepare << kDecisionSelect, soci::use(key));
    for (const auto& r : rows) out.push_back(decision_from(r));
    return out;
}

void move_call_off(soci::session& sql, call_off& c, call_off_action action, call_off_status to,
                   const std::optional<std::string>& reason, const identity::acting& by, const clock& now)
{
    const call_off_status from = c.status;
    const std::string at = format_timestamp(now.now()), to_text{as_string(to)};
    db::query(sql, kSetStatus).bind(to_text).bind(at).bind(c.id).run();
    c.status = to;
    c.updated_at = at;
    record(sql, c, new_decision{std::nullopt, "call_off", c.id, as_string(action), as_string(from), to_text, reason}, by, now);
}

} // namespace dps::calloff::store
