// Call-offs, sealed bids, evaluation with the calling council's score_bid hook, unfilled call-offs.
#include "calloff/calloff_service.hpp"

#include "auth/access_guard.hpp"
#include "calloff/anonymity.hpp"
#include "calloff/bid_store.hpp"
#include "calloff/calloff_store.hpp"
#include "calloff/lifecycles.hpp"
#include "calloff/pricing.hpp"
#include "db/database.hpp"
#include "identity/tenant_slug.hpp"
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

const std::regex kDeadline{R"(^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$)"};

bool owns(const acting& by, const call_off& c) { return by.council() == c.tenant_id; }

// Deadlines are stored in the clock's own format so text order is time order.
std::string stored_deadline(const std::string& text) { return text.substr(0, 19) + ".000Z"; }

offer offered(const bid_input& in) { return offer{in.hourly_rate_pence, in.hours_per_week, in.weekly_cost_pence}; }

// The bid's priced terms with the provider's start date and notes.
bid priced_bid(const priced_offer& p, const bid_input& in)
{
    bid b;
    b.hourly_rate_pence = p.terms.hourly_rate_pence;
    b.hours_per_week = p.terms.hours_per_week;
    b.weekly_cost_pence = p.terms.weekly_cost_pence;
    b.total_pence = p.total_pence;
    b.earliest_start = in.earliest_start;
    b.notes = in.notes;
    return b;
}

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
    if (!by.council()) return forbidden("only a council calls off from a DPS");
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
        if (d->status != purchasing::dps_status::open || today > d->term_ends_on)
            return conflict("illegal_transition", "cannot call off from a DPS that is " + (d->status == purchasing::dps_status::open ? "past its term" : as_string(d->status)),
                            as_string(d->status));
        auto lot = purchasing::store::load_lot(sql, dps_id, in.lot_code);
        if (!lot) return make_error(error_kind::not_found, "not_found", "the DPS has no lot '" + in.lot_code + "'");
        if (tenant != d->tenant_id) {
            if (!partner_has_lot(sql, lot->id, tenant))
                return forbidden("only the lead council, or a partner that joined lot '" + in.lot_code +
                                 "' under a live access agreement, can call off from it");
        }
        // A call-off contract may run past the DPS, but must commence within its term.
        if (pkg->start_date > d->term_ends_on)
            return invalid("package.start_date", "a call-off contract must commence before the DPS's term ends on " + d->term_ends_on);
        call_off draft;
        draft.dps_id = dps_id;
        draft.lot_id = lot->id;
        draft.lead_tenant_id = d->tenant_id;
        draft.tenant_id = tenant;
        draft.title = in.title;
        draft.package = to_json(*pkg);
        draft.weights = in.weights;
        draft.starts_on = pkg->start_date;
        draft.duration_weeks = pkg->duration_weeks;
        draft.bid_deadline = deadline;
        draft.created_at = format_timestamp(clock_.now());
        const auto id = insert_call_off(sql, draft);
        auto c = load_call_off(sql, id);
        record(sql, *c, {std::nullopt, "call_off", id, "create", std::nullopt, call_off_status::draft, std::nullopt}, by, clock_);
        return *c;
    });
}

result<call_off> calloff_service::publish(const acting& by, std::int64_t call_off_id)
{
    return db_.transact_value<call_off>(by.data_scope(), [&](soci::session& sql) -> result<call_off> {
        auto c = load_call_off(sql, call_off_id, lock_rows(db_.kind()));
        if (!c || !owns(by, *c)) return not_found("call-off");
        auto to = next_state(c->status, call_off_action::publish);
        if (!to) return to.err();
        const std::string at = format_timestamp(clock_.now());
        if (c->bid_deadline <= at) return conflict("deadline_passed", "the bid deadline " + c->bid_deadline + " has passed; draft a new call-off");
        set_published(sql, c->id, at);
        c->published_at = at;
        move_call_off(sql, *c, call_off_action::publish, *to, std::nullopt, by, clock_);
        c->bids_received = 0;
        return *c;
    });
}

result<page<call_off>> calloff_service::list(const acting& by, const page_request& asked)
{
    if (!by.council() && !by.provider()) return forbidden("call-offs belong to councils and their providers");
    return db_.read_value<page<call_off>>(by.data_scope(), [&](soci::session& sql) -> result<page<call_off>> {
        if (by.council()) return list_for_council(sql, *by.caller->tenant_id, asked);
        return list_for_provider(sql, *by.caller->provider_org_id, asked);
    });
}

result<call_off> calloff_service::get(const acting& by, std::int64_t call_off_id)
{
    return db_.read_value<call_off>(by.data_scope(), [&](soci::session& sql) -> result<call_off> {
        auto c = load_visible_call_off(sql, call_off_id, by);
        if (!c) return not_found("call-off");
        if (owns(by, *c)) {
            c->bids_received = count_live_bids(sql, c->id);
            c->negotiation_round = load_negotiation(sql, *c);
        } else if (auto n = load_negotiation(sql, *c); n && by.provider()) {
            // A provider learns the round's deadline and whether it is on the shortlist, not who else is.
            n->shortlisted = provider_shortlisted(sql, n->id, *by.caller->provider_org_id);
            n->shortlisted_bid_ids.clear();
            n->opened_by.clear();
            c->negotiation_round = std::move(n);
        }
        return *c;
    });
}

result<bid> calloff_service::submit_bid(const acting& by, std::int64_t call_off_id, const bid_input& in)
{
    if (!by.provider()) return forbidden("only a provider organisation bids");
    if (!purchasing::valid_date(in.earliest_start)) return invalid("earliest_start", plugins::service_date_rule());
    if (in.notes.size() > 4000) return invalid("notes", "at most 4000 characters");
    const std::int64_t provider = *by.caller->provider_org_id;
    return db_.transact_value<bid>(by.data_scope(), [&](soci::session& sql) -> result<bid> {
        auto c = load_visible_call_off(sql, call_off_id, by);
        if (!c) return not_found("call-off");
        if (c->status != call_off_status::open) return conflict("illegal_transition", "cannot bid on a call-off that is " + as_string(c->status), as_string(c->status));
        const std::string at = format_timestamp(clock_.now());
        if (at >= c->bid_deadline) return conflict("deadline_passed", "the bid deadline " + c->bid_deadline + " has passed");
        auto p = price(offered(in), c->duration_weeks);
        if (!p) return p.err();
        if (has_live_bid(sql, c->id, provider))
            return conflict("bid_exists", "one live bid per provider per call-off: amend or withdraw the bid already made");
        bid made = priced_bid(*p, in);
        made.call_off_id = c->id;
        made.tenant_id = c->tenant_id;
        made.provider_org_id = provider;
        made.submitted_at = at;
        const auto id = insert_bid(sql, made);
        record(sql, *c, {provider, "bid", id, "submit", std::nullopt, bid_status::submitted, std::nullopt}, by, clock_);
        return *load_bid(sql, id);
    });
}

result<bid> calloff_service::amend_bid(const acting& by, std::int64_t bid_id, const bid_input& in)
{
    if (!by.provider()) return forbidden("only the bidding provider amends its bid");
    if (!purchasing::valid_date(in.earliest_start)) return invalid("earliest_start", plugins::service_date_rule());
    if (in.notes.size() > 4000) return invalid("notes", "at most 4000 characters");
    return db_.transact_value<bid>(by.data_scope(), [&](soci::session& sql) -> result<bid> {
        auto b = load_bid(sql, bid_id);
        if (!b || b->provider_org_id != *by.caller->provider_org_id) return not_found("bid");
        auto c = load_visible_call_off(sql, b->call_off_id, by);
        if (!c) return not_found("call-off");
        const std::string at = format_timestamp(clock_.now());
        bid_action action = bid_action::amend;
        if (c->status == call_off_status::negotiating) {
            // The negotiation round: only a shortlisted bid changes, as a best and final offer, until the round's deadline.
            auto n = load_negotiation(sql, c->id);
            if (auto open = in_round(n, b->id, at, "amended"); !open) return open.err();
            action = bid_action::bafo;
        } else if (c->status != call_off_status::open || at >= c->bid_deadline)
            return conflict("deadline_passed", "bids can be amended only until the deadline " + c->bid_deadline);
        auto to = next_state(b->status, action);
        if (!to) return to.err();
        auto p = price(offered(in), c->duration_weeks);
        if (!p) return p.err();
        bid amended = priced_bid(*p, in);
        amended.id = b->id;
        amended.updated_at = at;
        update_bid_offer(sql, amended);
        record(sql, *c, {b->provider_org_id, "bid", b->id, action, b->status, *to, std::nullopt}, by, clock_);
        return *load_bid(sql, b->id);
    });
}

result<bid> calloff_service::withdraw_bid(const acting& by, std::int64_t bid_id)
{
    if (!by.provider()) return forbidden("only the bidding provider withdraws its bid");
    return db_.transact_value<bid>(by.data_scope(), [&](soci::session& sql) -> result<bid> {
        auto b = load_bid(sql, bid_id);
        if (!b || b->provider_org_id != *by.caller->provider_org_id) return not_found("bid");
        // As for amending: a provider no longer admitted to the lot (suspended, removed) no longer acts on it.
        auto c = load_visible_call_off(sql, b->call_off_id, by);
        if (!c) return not_found("call-off");
        const std::string at = format_timestamp(clock_.now());
        if (c->status == call_off_status::negotiating) {
            if (auto open = in_round(load_negotiation(sql, c->id), b->id, at, "withdrawn"); !open) return open.err();
        } else if (c->status != call_off_status::open || at >= c->bid_deadline)
            return conflict("deadline_passed", "bids can be withdrawn only until the deadline " + c->bid_deadline);
        auto to = next_state(b->status, bid_action::withdraw);
        if (!to) return to.err();
        set_bid_status(sql, b->id, *to, at);
        record(sql, *c, {b->provider_org_id, "bid", b->id, "withdraw", b->status, *to, std::nullopt}, by, clock_);
        return *load_bid(sql, b->id);
    });
}

result<bid> calloff_service::get_bid(const acting& by, std::int64_t bid_id)
{
    return db_.read_value<bid>(by.data_scope(), [&](soci::session& sql) -> result<bid> {
        auto b = load_bid(sql, bid_id);
        if (!b || !by.provider() || b->provider_org_id != *by.caller->provider_org_id) return not_found("bid");
        return *b;
    });
}

result<bid_list> calloff_service::bids(const acting& by, std::int64_t call_off_id)
{
    return db_.read_value<bid_list>(by.data_scope(), [&](soci::session& sql) -> result<bid_list> {
        auto c = load_call_off(sql, call_off_id);
        if (!c || !owns(by, *c)) return not_found("call-off");
        bid_list out;
        out.count = count_live_bids(sql, c->id);
        out.sealed = bids_sealed(*c, c->status == call_off_status::negotiating ? load_negotiation(sql, c->id) : std::nullopt, format_timestamp(clock_.now()));
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
    auto read = db_.read(by.data_scope(), [&](soci::session& sql) -> status {
        c = load_call_off(sql, call_off_id);
        if (!c || !owns(by, *c)) return not_found("call-off");
        live = live_bids(sql, c->id);
        if (c->status == call_off_status::negotiating) round = load_negotiation(sql, c->id);
        return ok_status();
    });
    if (!read) return read.err();
    if (c->status != call_off_status::draft && bids_sealed(*c, round, format_timestamp(clock_.now())))
        return conflict("bids_sealed", round ? "best and final offers stay sealed until the round's deadline " + round->bafo_deadline
                                             : "bids stay sealed until the deadline " + c->bid_deadline);
    if (auto to = next_state(c->status, call_off_action::evaluate); !to) return to.err();
    auto rescored = [&](const bid& b) { return !round || shortlisted(*round, b.id); };
    auto slug = identity::tenant_slug(db_, c->tenant_id);
    if (!slug) return slug.err();
    const auto call_off_json = to_json(*c).as_object();
    std::vector<std::pair<double, const bid*>> scored;
    for (const auto& b : live) {
        if (!rescored(b)) continue;
        auto bid_json = to_json(b).as_object();
        bid_json.erase("provider_name"); // scored on the offer, not the name
        auto score = plugins::if_installed(plugins_.score_bid(*slug, bid_json, call_off_json));
        if (!score) return score.err(); // a broken rule stops evaluation
        scored.emplace_back(score->value_or(-static_cast<double>(b.total_pence)), &b); // no plugin: the cheapest first
    }
    // Higher scores first; a tie goes to the earlier bid.
    std::stable_sort(scored.begin(), scored.end(), [](const auto& x, const auto& y) { return x.first > y.first; });
    return db_.transact_value<bid_list>(by.data_scope(), [&](soci::session& sql) -> result<bid_list> {
        auto current = load_call_off(sql, call_off_id, lock_rows(db_.kind()));
        if (!current) return not_found("call-off");
        auto to = next_state(current->status, call_off_action::evaluate);
        if (!to) return to.err();
        std::int64_t rank = 0;
        for (const auto& [score, b] : scored) set_bid_rank(sql, b->id, score, ++rank);
        for (const auto& b : live) // not shortlisted: ranked after the best and final offers, in their earlier order
            if (!rescored(b)) set_bid_rank(sql, b.id, std::nullopt, ++rank);
        move_call_off(sql, *current, call_off_action::evaluate, *to,
                      std::to_string(scored.size()) + (round ? " best and final offers" : " bids") + " scored by " + *slug + "'s score_bid",
                      by, clock_);
        bid_list out;
        out.sealed = false;
        out.bids = live_bids(sql, current->id);
        out.count = static_cast<std::int64_t>(out.bids.size());
        return out;
    });
}

result<call_off> calloff_service::negotiate(const acting& by, std::int64_t call_off_id, const negotiation_input& in)
{
    if (!by.council()) return forbidden("only the calling council negotiates");
    if (in.bid_ids.empty()) return invalid("bid_ids", "shortlist at least one bid");
    if (!std::regex_match(in.bafo_deadline, kDeadline)) return invalid("bafo_deadline", "a UTC time, YYYY-MM-DDTHH:MM:SSZ");
    const std::string deadline = stored_deadline(in.bafo_deadline), now = format_timestamp(clock_.now());
    if (deadline <= now) return invalid("bafo_deadline", "must be in the future");
    const std::set<std::int64_t> wanted(in.bid_ids.begin(), in.bid_ids.end());
    return db_.transact_value<call_off>(by.data_scope(), [&](soci::session& sql) -> result<call_off> {
        auto c = load_call_off(sql, call_off_id, lock_rows(db_.kind()));
        if (!c || !owns(by, *c)) return not_found("call-off");
        if (auto held = load_negotiation(sql, c->id))
            return conflict("negotiation_held", "a call-off has one negotiation round; this one's opened at " + held->opened_at, as_string(c->status));
        auto to = next_state(c->status, call_off_action::negotiate);
        if (!to) return to.err();
        if (in.bafo_deadline.substr(0, 10) > c->starts_on)
            return invalid("bafo_deadline", "must not be after the package's start date " + c->starts_on);
        std::vector<bid> listed;
        for (auto& b : live_bids(sql, c->id))
            if (wanted.count(b.id)) listed.push_back(std::move(b));
        if (listed.size() != wanted.size()) return invalid("bid_ids", "each must be a live bid on this call-off");
        const auto round = insert_negotiation(sql, *c, negotiation{0, deadline, by.actor(), now, {}, std::nullopt});
        for (const auto& b : listed) {
            auto bid_to = next_state(b.status, bid_action::shortlist);
            if (!bid_to) return bid_to.err();
            insert_shortlisted(sql, round, b);
            record(sql, *c, {b.provider_org_id, "bid", b.id, "shortlist", b.status, *bid_to, "best and final offer by " + deadline}, by, clock_);
        }
        move_call_off(sql, *c, call_off_action::negotiate, *to,
                      std::to_string(listed.size()) + " bids shortlisted; best and final offers by " + deadline, by, clock_);
        c->bids_received = count_live_bids(sql, c->id);
        c->negotiation_round = load_negotiation(sql, c->id);
        return *c;
    });
}

result<std::vector<decision>> calloff_service::history(const acting& by, std::int64_t call_off_id)
{
    return db_.read_value<std::vector<decision>>(by.data_scope(), [&](soci::session& sql) -> result<std::vector<decision>> {
        auto c = load_call_off(sql, call_off_id);
        if (!c || !owns(by, *c)) return not_found("call-off");
        const bool sealed =
            bids_sealed(*c, c->status == call_off_status::negotiating ? load_negotiation(sql, c->id) : std::nullopt, format_timestamp(clock_.now()));
        auto out = decisions_of(sql, c->id);
        for (auto& d : out)
            if (sealed && d.entity_type == "bid" && provider_move(d.action)) d.actor = "provider (sealed)";
        return out;
    });
}

result<std::optional<auth::owner>> calloff_service::call_off_owner(std::int64_t call_off_id, const db::scope& as)
{
    return db_.read_value<std::optional<auth::owner>>(as, [&](soci::session& sql) -> result<std::optional<auth::owner>> {
        auto tenant = call_off_tenant(sql, call_off_id);
        if (!tenant) return std::optional<auth::owner>{};
        return std::optional<auth::owner>{auth::owner{*tenant, std::nullopt, std::nullopt, std::nullopt}};
    });
}

result<std::optional<auth::owner>> calloff_service::bid_owner(std::int64_t bid_id, const db::scope& as)
{
    return db_.read_value<std::optional<auth::owner>>(as, [&](soci::session& sql) -> result<std::optional<auth::owner>> {
        auto provider = bid_provider(sql, bid_id);
        if (!provider) return std::optional<auth::owner>{};
        return std::optional<auth::owner>{auth::owner{std::nullopt, *provider, std::nullopt, std::nullopt}};
    });
}

} // namespace dps::calloff
