// Call-offs, sealed bids, evaluation with the calling council's score_bid hook, unfilled call-offs.
#include "calloff/calloff_service.hpp"

#include "auth/access_guard.hpp"
#include "calloff/anonymity.hpp"
#include "calloff/calloff_store.hpp"
#include "calloff/lifecycles.hpp"
#include "core/money.hpp"
#include "db/database.hpp"
#include "identity/tenant_slug.hpp"
#include "db/row_reader.hpp"
#include "dps/dps_service.hpp"
#include "dps/dps_store.hpp"
#include "plugins/iso_date.hpp"
#include "plugins/plugin_host.hpp"

#include <boost/json.hpp>
#include <soci/soci.h>

#include <algorithm>
#include <regex>
#include <set>

namespace dps::calloff {

using identity::acting;
using namespace store;

namespace {

constexpr const char* kInsertCallOff =
    "INSERT INTO call_offs (dps_id, lot_id, lead_tenant_id, tenant_id, title, package, starts_on, duration_weeks, bid_deadline, "
    "weights, status, created_at, updated_at) VALUES (:d, :l, :lead, :t, :title, :p, :s, :w, :deadline, :weights, 'draft', :at, :at2) "
    "RETURNING id";
constexpr const char* kInsertBid =
    "INSERT INTO bids (call_off_id, tenant_id, provider_org_id, hourly_rate_pence, hours_per_week, weekly_cost_pence, total_pence, "
    "earliest_start, notes, status, submitted_at, updated_at) VALUES (:c, :t, :p, :r, :h, :w, :total, :e, :n, 'submitted', :at, :at2) "
    "RETURNING id";
constexpr const char* kUpdateBid =
    "UPDATE bids SET hourly_rate_pence = :r, hours_per_week = :h, weekly_cost_pence = :w, total_pence = :total, earliest_start = :e, "
    "notes = :n, updated_at = :at WHERE id = :id";
// Partners call off only from lots they joined under an agreement that is still live.
constexpr const char* kPartnerHasLot =
    "SELECT count(*) FROM agreement_lots al JOIN access_agreements ag ON ag.id = al.agreement_id WHERE al.lot_id = :l "
    "AND al.dropped_on IS NULL AND ag.status IN ('active', 'notice_given') AND ag.partner_tenant_id = :t";

const std::regex kDeadline{R"(^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$)"};

bool is_council(const acting& by) { return by.caller && by.caller->tenant_id; }
bool is_provider(const acting& by) { return by.caller && by.caller->provider_org_id; }
bool owns(const acting& by, const call_off& c) { return is_council(by) && *by.caller->tenant_id == c.tenant_id; }

// Deadlines are stored in the clock's own format so text order is time order.
std::string stored_deadline(const std::string& text) { return text.substr(0, 19) + ".000Z"; }

struct priced {
    std::optional<std::int64_t> rate, hours, weekly;
    std::int64_t total = 0;
};

// A bid prices care by the hour (rate and hours a week) or a placement by the week; never both.
result<priced> price(const bid_input& in, std::int64_t weeks)
{
    const bool hourly = in.hourly_rate_pence || in.hours_per_week;
    if (hourly && in.weekly_cost_pence)
        return invalid("weekly_cost_pence", "give hourly_rate_pence and hours_per_week, or weekly_cost_pence, not both");
    if (hourly) {
        if (!in.hourly_rate_pence) return invalid("hourly_rate_pence", "is required with hours_per_week");
        if (!in.hours_per_week) return invalid("hours_per_week", "is required with hourly_rate_pence");
        auto total = money::mul(money::mul(*in.hourly_rate_pence, *in.hours_per_week), weeks);
        if (!total) return money::out_of_range("hourly_rate_pence");
        return priced{in.hourly_rate_pence, in.hours_per_week, std::nullopt, *total};
    }
    if (!in.weekly_cost_pence) return invalid("hourly_rate_pence", "price the bid by the hour or by the week (weekly_cost_pence)");
    auto total = money::mul(*in.weekly_cost_pence, weeks);
    if (!total) return money::out_of_range("weekly_cost_pence");
    return priced{std::nullopt, std::nullopt, in.weekly_cost_pence, *total};
}

soci::indicator ind(const std::optional<std::int64_t>& v) { return v ? soci::i_ok : soci::i_null; }

// While a negotiation round is open a bid changes only if shortlisted, and only until the round's deadline.
status in_round(const std::optional<negotiation>& n, std::int64_t bid_id, const std::string& now, const char* verb)
{
    if (!n || !shortlisted(*n, bid_id))
        return conflict("not_shortlisted",
                        std::string{"the call-off is in its negotiation round: only shortlisted bids may be "} + verb + " until it closes",
                        "negotiating");
    if (now >= n->bafo_deadline)
        return conflict("deadline_passed", "best and final offers closed at " + n->bafo_deadline, "negotiating");
    return ok_status();
}

// A decision's actor is hidden on providers' own moves while bids are sealed: who bid is not yet the council's to see.
bool provider_move(const std::string& action)
{
    return action == "submit" || action == "amend" || action == "bafo" || action == "withdraw";
}

} // namespace

calloff_service::calloff_service(db::database& db, const clock& now, plugins::plugin_host& plugins)
    : db_(db), clock_(now), plugins_(plugins)
{
}

result<call_off> calloff_service::create(const acting& by, std::int64_t dps_id, const new_call_off& in)
{
    if (!is_council(by)) return forbidden("only a council calls off from a DPS");
    if (in.title.empty() || in.title.size() > 200) return invalid("title", "a title of 1 to 200 characters is required");
    if (!std::regex_match(in.bid_deadline, kDeadline)) return invalid("bid_deadline", "a UTC time, YYYY-MM-DDTHH:MM:SSZ");
    auto pkg = read_package(in.package);
    if (!pkg) return pkg.err();
    for (const auto& kv : in.weights)
        if (!kv.value().is_number()) return invalid("weights." + std::string(kv.key()), "each weight is a number");
    const std::string deadline = stored_deadline(in.bid_deadline), now = format_timestamp(clock_.now());
    if (deadline <= now) return invalid("bid_deadline", "must be in the future");
    if (in.bid_deadline.substr(0, 10) > pkg->start_date) return invalid("bid_deadline", "must not be after the package's start_date");
    const std::int64_t tenant = *by.caller->tenant_id;
    return db_.transact_value<call_off>(by.data_scope(), [&](soci::session& sql) -> result<call_off> {
        auto d = purchasing::store::load_dps(sql, dps_id);
        if (!d || !purchasing::visible_to(*d, by)) return not_found("DPS");
        const std::string today = london_date(clock_.now());
        if (d->status != "open" || today > d->term_ends_on)
            return conflict("illegal_transition", "cannot call off from a DPS that is " + (d->status == "open" ? "past its term" : d->status),
                            d->status);
        long long lot_id = 0, dps_key = dps_id, tenant_key = tenant;
        sql << "SELECT id FROM lots WHERE dps_id = :d AND code = :c", soci::use(dps_key), soci::use(in.lot_code), soci::into(lot_id);
        if (!sql.got_data()) return make_error(error_kind::not_found, "not_found", "the DPS has no lot '" + in.lot_code + "'");
        if (tenant != d->tenant_id) {
            long long joined = 0;
            sql << kPartnerHasLot, soci::use(lot_id), soci::use(tenant_key), soci::into(joined);
            if (joined == 0)
                return forbidden("only the lead council, or a partner that joined lot '" + in.lot_code +
                                 "' under a live access agreement, can call off from it");
        }
        // A call-off contract may run past the DPS, but must commence within its term.
        if (pkg->start_date > d->term_ends_on)
            return invalid("package.start_date", "a call-off contract must commence before the DPS's term ends on " + d->term_ends_on);
        const std::string at = format_timestamp(clock_.now()), package_text = boost::json::serialize(to_json(*pkg)),
                          weights_text = boost::json::serialize(in.weights);
        long long id = 0, lead = d->tenant_id, weeks = pkg->duration_weeks;
        sql << kInsertCallOff, soci::use(dps_key), soci::use(lot_id), soci::use(lead), soci::use(tenant_key), soci::use(in.title),
            soci::use(package_text), soci::use(pkg->start_date), soci::use(weeks), soci::use(deadline), soci::use(weights_text),
            soci::use(at), soci::use(at), soci::into(id);
        auto c = load_call_off(sql, id);
        record(sql, *c, std::nullopt, "call_off", id, "create", std::nullopt, "draft", std::nullopt, by, clock_);
        return *c;
    });
}

result<call_off> calloff_service::publish(const acting& by, std::int64_t call_off_id)
{
    return db_.transact_value<call_off>(by.data_scope(), [&](soci::session& sql) -> result<call_off> {
        auto c = load_call_off(sql, call_off_id, lock_rows(db_.kind()));
        if (!c || !owns(by, *c)) return not_found("call-off");
        auto to = next_state(lifecycle::call_off, c->status, "publish");
        if (!to) return to.err();
        const std::string at = format_timestamp(clock_.now());
        if (c->bid_deadline <= at) return conflict("deadline_passed", "the bid deadline " + c->bid_deadline + " has passed; draft a new call-off");
        long long key = c->id;
        sql << "UPDATE call_offs SET published_at = :at WHERE id = :id", soci::use(at), soci::use(key);
        c->published_at = at;
        move_call_off(sql, *c, "publish", *to, std::nullopt, by, clock_);
        c->bids_received = 0;
        return *c;
    });
}

result<std::vector<call_off>> calloff_service::list(const acting& by)
{
    if (!is_council(by) && !is_provider(by)) return forbidden("call-offs belong to councils and their providers");
    return db_.transact_value<std::vector<call_off>>(by.data_scope(), [&](soci::session& sql) -> result<std::vector<call_off>> {
        if (is_council(by)) return list_for_council(sql, *by.caller->tenant_id);
        return list_for_provider(sql, *by.caller->provider_org_id);
    });
}

result<call_off> calloff_service::get(const acting& by, std::int64_t call_off_id)
{
    return db_.transact_value<call_off>(by.data_scope(), [&](soci::session& sql) -> result<call_off> {
        auto c = load_call_off(sql, call_off_id);
        if (!c || !visible_to(sql, *c, by)) return not_found("call-off");
        if (owns(by, *c)) {
            c->bids_received = count_live_bids(sql, c->id);
            c->negotiation_round = load_negotiation(sql, c->id);
        } else if (auto n = load_negotiation(sql, c->id); n && is_provider(by)) {
            // A provider learns the round's deadline and whether it is on the shortlist, not who else is.
            long long round = n->id, provider = *by.caller->provider_org_id, on_list = 0;
            sql << "SELECT count(*) FROM negotiation_shortlist WHERE round_id = :r AND provider_org_id = :p", soci::use(round),
                soci::use(provider), soci::into(on_list);
            n->shortlisted_bid_ids.clear();
            n->opened_by.clear();
            n->shortlisted = on_list > 0;
            c->negotiation_round = std::move(n);
        }
        return *c;
    });
}

result<bid> calloff_service::submit_bid(const acting& by, std::int64_t call_off_id, const bid_input& in)
{
    if (!is_provider(by)) return forbidden("only a provider organisation bids");
    if (!purchasing::valid_date(in.earliest_start)) return invalid("earliest_start", plugins::service_date_rule());
    if (in.notes.size() > 4000) return invalid("notes", "at most 4000 characters");
    const std::int64_t provider = *by.caller->provider_org_id;
    return db_.transact_value<bid>(by.data_scope(), [&](soci::session& sql) -> result<bid> {
        auto c = load_call_off(sql, call_off_id);
        if (!c || !visible_to(sql, *c, by)) return not_found("call-off");
        if (c->status != "open") return conflict("illegal_transition", "cannot bid on a call-off that is " + c->status, c->status);
        const std::string at = format_timestamp(clock_.now());
        if (at >= c->bid_deadline) return conflict("deadline_passed", "the bid deadline " + c->bid_deadline + " has passed");
        auto p = price(in, c->duration_weeks);
        if (!p) return p.err();
        long long existing = 0, call_off_key = c->id, provider_key = provider;
        sql << "SELECT count(*) FROM bids WHERE call_off_id = :c AND provider_org_id = :p AND status <> 'withdrawn'",
            soci::use(call_off_key), soci::use(provider_key), soci::into(existing);
        if (existing > 0)
            return conflict("bid_exists", "one live bid per provider per call-off: amend or withdraw the bid already made");
        long long id = 0, tenant = c->tenant_id, rate = p->rate.value_or(0), hours = p->hours.value_or(0),
                  weekly = p->weekly.value_or(0), total = p->total;
        soci::indicator rate_i = ind(p->rate), hours_i = ind(p->hours), weekly_i = ind(p->weekly);
        sql << kInsertBid, soci::use(call_off_key), soci::use(tenant), soci::use(provider_key), soci::use(rate, rate_i),
            soci::use(hours, hours_i), soci::use(weekly, weekly_i), soci::use(total), soci::use(in.earliest_start),
            soci::use(in.notes), soci::use(at), soci::use(at), soci::into(id);
        record(sql, *c, provider, "bid", id, "submit", std::nullopt, "submitted", std::nullopt, by, clock_);
        return *load_bid(sql, id);
    });
}

result<bid> calloff_service::amend_bid(const acting& by, std::int64_t bid_id, const bid_input& in)
{
    if (!is_provider(by)) return forbidden("only the bidding provider amends its bid");
    if (!purchasing::valid_date(in.earliest_start)) return invalid("earliest_start", plugins::service_date_rule());
    if (in.notes.size() > 4000) return invalid("notes", "at most 4000 characters");
    return db_.transact_value<bid>(by.data_scope(), [&](soci::session& sql) -> result<bid> {
        auto b = load_bid(sql, bid_id);
        if (!b || b->provider_org_id != *by.caller->provider_org_id) return not_found("bid");
        auto c = load_call_off(sql, b->call_off_id);
        if (!c || !visible_to(sql, *c, by)) return not_found("call-off");
        const std::string at = format_timestamp(clock_.now());
        std::string action = "amend";
        if (c->status == "negotiating") {
            // The negotiation round: only a shortlisted bid changes, as a best and final offer, until the round's deadline.
            auto n = load_negotiation(sql, c->id);
            if (auto open = in_round(n, b->id, at, "amended"); !open) return open.err();
            action = "bafo";
        } else if (c->status != "open" || at >= c->bid_deadline)
            return conflict("deadline_passed", "bids can be amended only until the deadline " + c->bid_deadline);
        auto to = next_state(lifecycle::bid, b->status, action);
        if (!to) return to.err();
        auto p = price(in, c->duration_weeks);
        if (!p) return p.err();
        long long key = b->id, rate = p->rate.value_or(0), hours = p->hours.value_or(0), weekly = p->weekly.value_or(0), total = p->total;
        soci::indicator rate_i = ind(p->rate), hours_i = ind(p->hours), weekly_i = ind(p->weekly);
        sql << kUpdateBid, soci::use(rate, rate_i), soci::use(hours, hours_i), soci::use(weekly, weekly_i), soci::use(total),
            soci::use(in.earliest_start), soci::use(in.notes), soci::use(at), soci::use(key);
        record(sql, *c, b->provider_org_id, "bid", b->id, action, b->status, *to, std::nullopt, by, clock_);
        return *load_bid(sql, b->id);
    });
}

result<bid> calloff_service::withdraw_bid(const acting& by, std::int64_t bid_id)
{
    if (!is_provider(by)) return forbidden("only the bidding provider withdraws its bid");
    return db_.transact_value<bid>(by.data_scope(), [&](soci::session& sql) -> result<bid> {
        auto b = load_bid(sql, bid_id);
        if (!b || b->provider_org_id != *by.caller->provider_org_id) return not_found("bid");
        // As for amending: a provider no longer admitted to the lot (suspended, removed) no longer acts on it.
        auto c = load_call_off(sql, b->call_off_id);
        if (!c || !visible_to(sql, *c, by)) return not_found("call-off");
        const std::string at = format_timestamp(clock_.now());
        if (c->status == "negotiating") {
            if (auto open = in_round(load_negotiation(sql, c->id), b->id, at, "withdrawn"); !open) return open.err();
        } else if (c->status != "open" || at >= c->bid_deadline)
            return conflict("deadline_passed", "bids can be withdrawn only until the deadline " + c->bid_deadline);
        auto to = next_state(lifecycle::bid, b->status, "withdraw");
        if (!to) return to.err();
        long long key = b->id;
        sql << "UPDATE bids SET status = :s, updated_at = :at WHERE id = :id", soci::use(*to), soci::use(at), soci::use(key);
        record(sql, *c, b->provider_org_id, "bid", b->id, "withdraw", b->status, *to, std::nullopt, by, clock_);
        return *load_bid(sql, b->id);
    });
}

result<bid> calloff_service::get_bid(const acting& by, std::int64_t bid_id)
{
    return db_.transact_value<bid>(by.data_scope(), [&](soci::session& sql) -> result<bid> {
        auto b = load_bid(sql, bid_id);
        if (!b || !is_provider(by) || b->provider_org_id != *by.caller->provider_org_id) return not_found("bid");
        return *b;
    });
}

result<bid_list> calloff_service::bids(const acting& by, std::int64_t call_off_id)
{
    return db_.transact_value<bid_list>(by.data_scope(), [&](soci::session& sql) -> result<bid_list> {
        auto c = load_call_off(sql, call_off_id);
        if (!c || !owns(by, *c)) return not_found("call-off");
        bid_list out;
        out.count = count_live_bids(sql, c->id);
        out.sealed = bids_sealed(*c, c->status == "negotiating" ? load_negotiation(sql, c->id) : std::nullopt, format_timestamp(clock_.now()));
        if (!out.sealed) out.bids = live_bids(sql, c->id);
        return out;
    });
}

result<bid_list> calloff_service::evaluate(const acting& by, std::int64_t call_off_id)
{
    // Read the bids, score them with the council's plugin outside any transaction, then write.
    // After a negotiation round only the shortlisted bids (their best and final offers) are scored
    // again; the others keep their scores and follow in their earlier order.
    std::optional<call_off> c;
    std::optional<negotiation> round;
    std::vector<bid> live;
    auto read = db_.transact(by.data_scope(), [&](soci::session& sql) -> status {
        c = load_call_off(sql, call_off_id);
        if (!c || !owns(by, *c)) return not_found("call-off");
        live = live_bids(sql, c->id);
        if (c->status == "negotiating") round = load_negotiation(sql, c->id);
        return ok_status();
    });
    if (!read) return read.err();
    if (c->status != "draft" && bids_sealed(*c, round, format_timestamp(clock_.now())))
        return conflict("bids_sealed", round ? "best and final offers stay sealed until the round's deadline " + round->bafo_deadline
                                             : "bids stay sealed until the deadline " + c->bid_deadline);
    if (auto to = next_state(lifecycle::call_off, c->status, "evaluate"); !to) return to.err();
    auto rescored = [&](const bid& b) { return !round || shortlisted(*round, b.id); };
    auto slug = identity::tenant_slug(db_, c->tenant_id);
    if (!slug) return slug.err();
    const auto call_off_json = to_json(*c).as_object();
    std::vector<std::pair<double, const bid*>> scored;
    for (const auto& b : live) {
        if (!rescored(b)) continue;
        auto bid_json = to_json(b).as_object();
        bid_json.erase("provider_name"); // scored on the offer, not the name
        auto score = plugins_.score_bid(*slug, bid_json, call_off_json);
        if (!score && score.err().code != "plugin_not_installed") return score.err(); // a broken rule stops evaluation
        scored.emplace_back(score ? *score : -static_cast<double>(b.total_pence), &b);
    }
    // Higher scores first; a tie goes to the earlier bid.
    std::stable_sort(scored.begin(), scored.end(), [](const auto& x, const auto& y) { return x.first > y.first; });
    return db_.transact_value<bid_list>(by.data_scope(), [&](soci::session& sql) -> result<bid_list> {
        auto current = load_call_off(sql, call_off_id, lock_rows(db_.kind()));
        if (!current) return not_found("call-off");
        auto to = next_state(lifecycle::call_off, current->status, "evaluate");
        if (!to) return to.err();
        long long rank = 0;
        for (const auto& [score, b] : scored) {
            long long key = b->id;
            double s = score;
            ++rank;
            sql << "UPDATE bids SET score = :s, rank = :r WHERE id = :id", soci::use(s), soci::use(rank), soci::use(key);
        }
        for (const auto& b : live) { // not shortlisted: ranked after the best and final offers, in their earlier order
            if (rescored(b)) continue;
            long long key = b.id;
            ++rank;
            sql << "UPDATE bids SET rank = :r WHERE id = :id", soci::use(rank), soci::use(key);
        }
        move_call_off(sql, *current, "evaluate", *to,
                      std::to_string(scored.size()) + (round ? " best and final offers" : " bids") + " scored by " + *slug + "'s score_bid",
                      by, clock_);
        bid_list out;
        out.sealed = false;
        out.bids = live_bids(sql, current->id);
        out.count = static_cast<std::int64_t>(out.bids.size());
        return out;
    });
}

result<spot_purchase> calloff_service::close_unfilled(const acting& by, std::int64_t call_off_id, const spot_input& in)
{
    if (in.provider_name.empty() || in.provider_name.size() > 200) return invalid("provider_name", "1 to 200 characters");
    if (in.cost_pence <= 0) return invalid("cost_pence", "the spot purchase's cost in pence is required");
    return db_.transact_value<spot_purchase>(by.data_scope(), [&](soci::session& sql) -> result<spot_purchase> {
        auto c = load_call_off(sql, call_off_id, lock_rows(db_.kind()));
        if (!c || !owns(by, *c)) return not_found("call-off");
        const std::string at = format_timestamp(clock_.now());
        if (c->status == "open" && at < c->bid_deadline)
            return conflict("bids_sealed", "a call-off open for bids closes unfilled only after its deadline " + c->bid_deadline);
        if (c->status == "negotiating")
            if (auto n = load_negotiation(sql, c->id); bids_sealed(*c, n, at))
                return conflict("bids_sealed", "a call-off in negotiation closes unfilled only after the best and final offers are in, at " +
                                                   (n ? n->bafo_deadline : c->bid_deadline));
        auto to = next_state(lifecycle::call_off, c->status, "close_unfilled");
        if (!to) return to.err();
        long long id = 0, call_off_key = c->id, tenant = c->tenant_id, rate = in.hourly_rate_pence.value_or(0),
                  hours = in.hours_per_week.value_or(0), cost = in.cost_pence;
        soci::indicator rate_i = ind(in.hourly_rate_pence), hours_i = ind(in.hours_per_week);
        sql << "INSERT INTO spot_purchases (call_off_id, tenant_id, provider_name, hourly_rate_pence, hours_per_week, cost_pence, "
               "recorded_at) VALUES (:c, :t, :n, :r, :h, :cost, :at) RETURNING id",
            soci::use(call_off_key), soci::use(tenant), soci::use(in.provider_name), soci::use(rate, rate_i), soci::use(hours, hours_i),
            soci::use(cost), soci::use(at), soci::into(id);
        for (const auto& b : live_bids(sql, c->id)) {
            long long key = b.id;
            sql << "UPDATE bids SET status = 'unsuccessful', updated_at = :at WHERE id = :id", soci::use(at), soci::use(key);
            record(sql, *c, b.provider_org_id, "bid", b.id, "lose", b.status, "unsuccessful", std::string{"the call-off closed unfilled"},
                   by, clock_);
        }
        move_call_off(sql, *c, "close_unfilled", *to, in.reason.value_or("spot purchase from " + in.provider_name), by, clock_);
        record(sql, *c, std::nullopt, "spot_purchase", id, "record", std::nullopt, "recorded", std::nullopt, by, clock_);
        return spot_purchase{id, c->id, c->tenant_id, in.provider_name, in.hourly_rate_pence, in.hours_per_week, in.cost_pence, at};
    });
}

result<call_off> calloff_service::negotiate(const acting& by, std::int64_t call_off_id, const negotiation_input& in)
{
    if (!is_council(by)) return forbidden("only the calling council negotiates");
    if (in.bid_ids.empty()) return invalid("bid_ids", "shortlist at least one bid");
    if (!std::regex_match(in.bafo_deadline, kDeadline)) return invalid("bafo_deadline", "a UTC time, YYYY-MM-DDTHH:MM:SSZ");
    const std::string deadline = stored_deadline(in.bafo_deadline), now = format_timestamp(clock_.now());
    if (deadline <= now) return invalid("bafo_deadline", "must be in the future");
    const std::set<std::int64_t> wanted(in.bid_ids.begin(), in.bid_ids.end());
    return db_.transact_value<call_off>(by.data_scope(), [&](soci::session& sql) -> result<call_off> {
        auto c = load_call_off(sql, call_off_id, lock_rows(db_.kind()));
        if (!c || !owns(by, *c)) return not_found("call-off");
        if (auto held = load_negotiation(sql, c->id))
            return conflict("negotiation_held", "a call-off has one negotiation round; this one's opened at " + held->opened_at, c->status);
        auto to = next_state(lifecycle::call_off, c->status, "negotiate");
        if (!to) return to.err();
        if (in.bafo_deadline.substr(0, 10) > c->starts_on)
            return invalid("bafo_deadline", "must not be after the package's start date " + c->starts_on);
        std::vector<bid> listed;
        for (auto& b : live_bids(sql, c->id))
            if (wanted.count(b.id)) listed.push_back(std::move(b));
        if (listed.size() != wanted.size()) return invalid("bid_ids", "each must be a live bid on this call-off");
        long long round = 0, call_off_key = c->id, tenant = c->tenant_id;
        const std::string actor = by.actor();
        sql << "INSERT INTO negotiation_rounds (call_off_id, tenant_id, bafo_deadline, opened_by, opened_at) "
               "VALUES (:c, :t, :d, :by, :at) RETURNING id",
            soci::use(call_off_key), soci::use(tenant), soci::use(deadline), soci::use(actor), soci::use(now), soci::into(round);
        for (const auto& b : listed) {
            auto bid_to = next_state(lifecycle::bid, b.status, "shortlist");
            if (!bid_to) return bid_to.err();
            long long bid_key = b.id, provider = b.provider_org_id;
            sql << "INSERT INTO negotiation_shortlist (round_id, call_off_id, tenant_id, bid_id, provider_org_id) VALUES (:r, :c, :t, :b, :p)",
                soci::use(round), soci::use(call_off_key), soci::use(tenant), soci::use(bid_key), soci::use(provider);
            record(sql, *c, b.provider_org_id, "bid", b.id, "shortlist", b.status, *bid_to, "best and final offer by " + deadline, by, clock_);
        }
        move_call_off(sql, *c, "negotiate", *to,
                      std::to_string(listed.size()) + " bids shortlisted; best and final offers by " + deadline, by, clock_);
        c->bids_received = count_live_bids(sql, c->id);
        c->negotiation_round = load_negotiation(sql, c->id);
        return *c;
    });
}

result<std::vector<decision>> calloff_service::history(const acting& by, std::int64_t call_off_id)
{
    return db_.transact_value<std::vector<decision>>(by.data_scope(), [&](soci::session& sql) -> result<std::vector<decision>> {
        auto c = load_call_off(sql, call_off_id);
        if (!c || !owns(by, *c)) return not_found("call-off");
        const bool sealed =
            bids_sealed(*c, c->status == "negotiating" ? load_negotiation(sql, c->id) : std::nullopt, format_timestamp(clock_.now()));
        long long key = c->id;
        std::vector<decision> out;
        soci::rowset<soci::row> rows =
            (sql.prepare << "SELECT id, entity_type, entity_id, action, from_status, to_status, reason, actor, decided_at "
                            "FROM call_off_decisions WHERE call_off_id = :c ORDER BY id",
             soci::use(key));
        for (const auto& r : rows) {
            decision d{db::int_at(r, 0), db::int_at(r, 2), db::text_at(r, 1), db::text_at(r, 3), db::opt_text_at(r, 4),
                       db::text_at(r, 5), db::opt_text_at(r, 6), db::text_at(r, 7), db::text_at(r, 8)};
            if (sealed && d.entity_type == "bid" && provider_move(d.action)) d.actor = "provider (sealed)";
            out.push_back(std::move(d));
        }
        return out;
    });
}

result<std::optional<auth::owner>> calloff_service::call_off_owner(std::int64_t call_off_id, const db::scope& as)
{
    return db_.transact_value<std::optional<auth::owner>>(as, [&](soci::session& sql) -> result<std::optional<auth::owner>> {
        long long key = call_off_id, tenant = 0;
        sql << "SELECT tenant_id FROM call_offs WHERE id = :id", soci::use(key), soci::into(tenant);
        if (!sql.got_data()) return std::optional<auth::owner>{};
        return std::optional<auth::owner>{auth::owner{tenant, std::nullopt, std::nullopt, std::nullopt}};
    });
}

result<std::optional<auth::owner>> calloff_service::bid_owner(std::int64_t bid_id, const db::scope& as)
{
    return db_.transact_value<std::optional<auth::owner>>(as, [&](soci::session& sql) -> result<std::optional<auth::owner>> {
        long long key = bid_id, provider = 0;
        sql << "SELECT provider_org_id FROM bids WHERE id = :id", soci::use(key), soci::into(provider);
        if (!sql.got_data()) return std::optional<auth::owner>{};
        return std::optional<auth::owner>{auth::owner{std::nullopt, provider, std::nullopt, std::nullopt}};
    });
}

} // namespace dps::calloff
