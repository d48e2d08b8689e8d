// Access agreements, their lots and fee schedules, notice, and partners' spend authorities.
#include "dps/agreement_service.hpp"

#include "audit/audit_store.hpp"
#include "db/database.hpp"
#include "identity/tenant_slug.hpp"
#include "dps/agreement_store.hpp"
#include "dps/dps_service.hpp"
#include "dps/dps_store.hpp"
#include "dps/lifecycles.hpp"
#include "core/money.hpp"
#include "plugins/iso_date.hpp"
#include "plugins/plugin_host.hpp"

#include <boost/json.hpp>
#include <soci/soci.h>

namespace dps::purchasing {

using identity::acting;

namespace {

boost::json::value opt(const std::optional<std::string>& v) { return v ? boost::json::value(*v) : boost::json::value(nullptr); }

std::string day_before(const std::string& date)
{
    using namespace std::chrono;
    auto d = plugins::parse_iso_date(date);
    return plugins::format_iso_date(year_month_day{sys_days{*d} - days{1}});
}

long long days_between(const std::string& from, const std::string& to) // to exclusive
{
    using namespace std::chrono;
    return (sys_days{*plugins::parse_iso_date(to)} - sys_days{*plugins::parse_iso_date(from)}).count();
}

// Agreement years from starts_on; the last is cut at ends_on (inclusive) and charged pro rata by days.
std::vector<agreement_fee> schedule(const std::string& starts_on, const std::string& ends_on, std::int64_t annual_pence)
{
    std::vector<agreement_fee> out;
    for (int year = 0;; ++year) {
        // Dates are bounded to 2100 on input, so the months always exist; never dereference unchecked.
        const auto start_at = plugins::add_months(starts_on, 12 * year), next_at = plugins::add_months(starts_on, 12 * (year + 1));
        if (!start_at || !next_at || *start_at > ends_on) break;
        const std::string& start = *start_at;
        const std::string& next = *next_at;
        const std::string end = std::min(day_before(next), ends_on);
        const long long full = days_between(start, next);
        const long long covered = days_between(start, end) + 1; // end is the year's last day, inclusive
        const std::int64_t amount = covered >= full ? annual_pence : money::pro_rata(annual_pence, covered, full);
        out.push_back({0, start, end, amount, start, std::nullopt});
    }
    return out;
}

std::optional<access_agreement> load(soci::session& sql, std::int64_t id) { return store::load_agreement(sql, id); }

std::int64_t live_annual_total(const access_agreement& a)
{
    std::int64_t total = 0;
    for (const auto& l : a.lots)
        if (!l.dropped_on) total += l.annual_fee_pence;
    return total;
}

void set_status(soci::session& sql, access_agreement& a, agreement_status to, const clock& now)
{
    const std::string at = format_timestamp(now.now());
    store::set_agreement_status(sql, a.id, to, at);
    a.status = to;
    a.updated_at = at;
}

void decide_on(soci::session& sql, const access_agreement& a, const word& action, const std::optional<word>& from, const word& to,
               const std::optional<std::string>& reason, const acting& by, const clock& now)
{
    auto d = store::load_dps(sql, a.dps_id);
    record_decision(sql, *d, a.partner_tenant_id, std::nullopt, "access_agreement", a.id, action, from, to, reason, by, now);
}

// Rewrites the unpaid fee rows for years that have not started by `from_date` (exclusive of paid ones).
void reschedule(soci::session& sql, access_agreement& a, const std::string& from_date, const std::string& last_day)
{
    store::delete_unpaid_fees_from(sql, a.id, from_date);
    for (const auto& fee : schedule(a.starts_on, last_day, live_annual_total(a)))
        if (fee.year_starts_on >= from_date) store::insert_fee(sql, a, fee);
}

} // namespace

boost::json::value to_json(const access_agreement& a)
{
    boost::json::array lots, fees;
    std::int64_t annual = 0;
    for (const auto& l : a.lots) {
        lots.push_back({{"lot_id", l.lot_id}, {"lot_code", l.lot_code}, {"annual_fee_pence", l.annual_fee_pence},
                        {"joined_on", l.joined_on}, {"dropped_on", opt(l.dropped_on)}});
        if (!l.dropped_on) annual += l.annual_fee_pence;
    }
    for (const auto& f : a.fees)
        fees.push_back({{"id", f.id}, {"year_starts_on", f.year_starts_on}, {"year_ends_on", f.year_ends_on},
                        {"amount_pence", f.amount_pence}, {"due_on", f.due_on}, {"paid_on", opt(f.paid_on)},
                        {"status", f.paid_on ? "paid" : "due"}});
    return {{"id", a.id},
            {"dps_id", a.dps_id},
            {"lead_tenant_id", a.lead_tenant_id},
            {"partner_tenant_id", a.partner_tenant_id},
            {"status", to_text(a.status)},
            {"starts_on", a.starts_on},
            {"ends_on", a.ends_on},
            {"notice_given_on", opt(a.notice_given_on)},
            {"notice_given_by", opt(a.notice_given_by)},
            {"effective_end_on", opt(a.effective_end_on)},
            {"annual_fee_pence", annual},
            {"lots", std::move(lots)},
            {"fees", std::move(fees)},
            {"created_at", a.created_at},
            {"updated_at", a.updated_at}};
}

boost::json::value to_json(const spend_authority& s)
{
    return {{"id", s.id},           {"tenant_id", s.tenant_id},   {"dps_id", s.dps_id},
            {"limit_pence", s.limit_pence}, {"starts_on", s.starts_on}, {"ends_on", s.ends_on},
            {"approved_by", opt(s.approved_by)}, {"created_at", s.created_at}};
}

agreement_service::agreement_service(db::database& db, const clock& now, plugins::plugin_host& plugins)
    : db_(db), clock_(now), plugins_(plugins)
{
}

result<std::int64_t> agreement_service::fee_for(const std::string& lead_slug, const std::string& partner_slug, const std::string& lot_code,
                                                const std::string& lot_name, const std::string& starts_on, const std::string& ends_on)
{
    auto answer = plugins_.annual_fee(lead_slug, boost::json::object{{"code", lot_code}, {"name", lot_name}},
                                   boost::json::object{{"partner", partner_slug}, {"starts_on", starts_on}, {"ends_on", ends_on}});
    auto fee = plugins::if_installed(std::move(answer));
    if (!fee) return fee.err();
    return fee->value_or(0); // no local rules: no fee
}

status agreement_service::settle()
{
    const std::string today = london_date(clock_.now());
    return db_.transact(db::scope::platform(), [&](soci::session& sql) -> status {
        const acting system{nullptr, "-", "system"};
        for (auto id : store::agreements_due_to_end(sql, today)) {
            auto a = load(sql, id);
            if (!a) continue;
            const bool notice_ran_out = a->effective_end_on && *a->effective_end_on <= today;
            // Through the table: notice running out terminates; a term ending without notice expires.
            const agreement_action action =
                notice_ran_out && a->status == agreement_status::notice_given ? agreement_action::terminate : agreement_action::expire;
            auto to = next_state(a->status, action);
            if (!to) continue;
            const agreement_status from = a->status;
            set_status(sql, *a, *to, clock_);
            const std::string why = notice_ran_out ? "notice ran out on " + *a->effective_end_on : "the agreement's term ended on " + a->ends_on;
            decide_on(sql, *a, action, from, *to, why, system, clock_);
        }
        return ok_status();
    });
}

result<access_agreement> agreement_service::request(const acting& by, std::int64_t dps_id, const std::vector<std::string>& lot_codes,
                                                    const std::string& starts_on, const std::string& ends_on)
{
    if (!by.caller || !by.caller->tenant_id) return forbidden("only a council can join a DPS");
    if (lot_codes.empty()) return invalid("lot_codes", "name at least one lot");
    if (!valid_date(starts_on)) return invalid("starts_on", plugins::service_date_rule());
    if (!valid_date(ends_on)) return invalid("ends_on", plugins::service_date_rule());
    if (ends_on <= starts_on) return invalid("ends_on", "must be after starts_on");
    for (std::size_t i = 0; i < lot_codes.size(); ++i)
        for (std::size_t j = i + 1; j < lot_codes.size(); ++j)
            if (lot_codes[i] == lot_codes[j]) return invalid("lot_codes", "lot '" + lot_codes[i] + "' is named twice");
    if (auto s = settle(); !s) return s.err();

    // Read the DPS and lots (a catalogue the partner may read), then price each lot with the lead's plugin.
    std::optional<dps_system> d;
    std::vector<std::pair<std::int64_t, std::string>> lots; // id, name
    auto read = db_.transact(by.data_scope(), [&](soci::session& sql) -> status {
        d = store::load_dps(sql, dps_id);
        if (!d || !visible_to(*d, by)) return not_found("DPS");
        for (const auto& code : lot_codes) {
            auto found = store::find_lot(sql, dps_id, code);
            if (!found) return make_error(error_kind::not_found, "not_found", "the DPS has no lot '" + code + "'");
            lots.push_back(*found);
        }
        return ok_status();
    });
    if (!read) return read.err();
    if (d->tenant_id == *by.caller->tenant_id) return conflict("own_dps", "a lead council cannot join its own DPS");
    if (d->status != dps_status::open) return conflict("illegal_transition", "cannot join a DPS that is " + as_string(d->status), as_string(d->status));
    if (starts_on < d->term_starts_on || ends_on > d->term_ends_on)
        return invalid("ends_on", "the agreement must lie within the DPS's term, " + d->term_starts_on + " to " + d->term_ends_on);
    auto lead_slug = identity::tenant_slug(db_, d->tenant_id);
    auto partner_slug = identity::tenant_slug(db_, *by.caller->tenant_id);
    if (!lead_slug) return lead_slug.err();
    if (!partner_slug) return partner_slug.err();
    std::vector<std::int64_t> fees;
    for (std::size_t i = 0; i < lots.size(); ++i) {
        auto fee = fee_for(*lead_slug, *partner_slug, lot_codes[i], lots[i].second, starts_on, ends_on);
        if (!fee) return fee.err();
        fees.push_back(*fee);
    }

    return db_.transact_value<access_agreement>(by.data_scope(), [&](soci::session& sql) -> result<access_agreement> {
        if (store::count_partner_agreements(sql, dps_id, *by.caller->tenant_id, true) > 0)
            return conflict("already_joined", "this council already has an agreement on this DPS; add lots to it instead");
        const std::string at = format_timestamp(clock_.now());
        access_agreement row;
        row.dps_id = dps_id;
        row.lead_tenant_id = d->tenant_id;
        row.partner_tenant_id = *by.caller->tenant_id;
        row.status = agreement_status::requested;
        row.starts_on = starts_on;
        row.ends_on = ends_on;
        row.created_at = row.updated_at = at;
        row.id = store::insert_agreement(sql, row);
        for (std::size_t i = 0; i < lots.size(); ++i) store::insert_agreement_lot(sql, row, lots[i].first, fees[i], starts_on);
        auto a = load(sql, row.id);
        decide_on(sql, *a, "request", std::nullopt, agreement_status::requested, std::nullopt, by, clock_);
        return *a;
    });
}

result<access_agreement> agreement_service::decide(const acting& by, std::int64_t agreement_id, const std::string& action)
{
    const auto act = parse<agreement_action>(action);
    if (!act || (*act != agreement_action::accept && *act != agreement_action::decline && *act != agreement_action::withdraw))
        return invalid("action", "accept, decline or withdraw");
    if (auto s = settle(); !s) return s.err();
    return db_.transact_value<access_agreement>(by.data_scope(), [&](soci::session& sql) -> result<access_agreement> {
        auto a = load(sql, agreement_id);
        if (!a) return not_found("access agreement");
        const bool lead = by.caller && by.caller->tenant_id == a->lead_tenant_id;
        const bool partner = by.caller && by.caller->tenant_id == a->partner_tenant_id;
        if (*act == agreement_action::withdraw ? !partner : !lead)
            return forbidden(*act == agreement_action::withdraw ? "only the partner council can withdraw its request"
                                                  : "only the lead council accepts or declines");
        auto to = next_state(a->status, *act);
        if (!to) return to.err();
        if (*act == agreement_action::accept) {
            auto d = store::load_dps(sql, a->dps_id);
            if (d->status != dps_status::open)
                return conflict("illegal_transition", "cannot accept an agreement on a DPS that is " + as_string(d->status), as_string(d->status));
        }
        const agreement_status from = a->status;
        set_status(sql, *a, *to, clock_);
        if (*act == agreement_action::accept) reschedule(sql, *a, a->starts_on, a->ends_on);
        decide_on(sql, *a, *act, from, *to, std::nullopt, by, clock_);
        return *load(sql, a->id);
    });
}

result<access_agreement> agreement_service::give_notice(const acting& by, std::int64_t agreement_id, const std::string& given_on)
{
    if (!valid_date(given_on)) return invalid("given_on", plugins::service_date_rule());
    const std::string today = london_date(clock_.now());
    if (given_on < today) return invalid("given_on", "notice cannot be given in the past (today is " + today + ")");
    if (auto s = settle(); !s) return s.err();
    auto current = get(by, agreement_id);
    if (!current) return current.err();
    const bool lead = by.caller && by.caller->tenant_id == current->lead_tenant_id;
    auto lead_slug = identity::tenant_slug(db_, current->lead_tenant_id);
    auto partner_slug = identity::tenant_slug(db_, current->partner_tenant_id);
    if (!lead_slug) return lead_slug.err();
    if (!partner_slug) return partner_slug.err();
    int months = 6; // the platform's default when the lead has no local rule
    auto notice = plugins_.termination_notice(*lead_slug, boost::json::object{{"partner", *partner_slug},
                                                                             {"notice_given_on", given_on},
                                                                             {"given_by", lead ? "lead" : "partner"},
                                                                             {"starts_on", current->starts_on},
                                                                             {"ends_on", current->ends_on}});
    auto hook = plugins::if_installed(std::move(notice));
    if (!hook) return hook.err();
    months = hook->value_or(months);
    auto effective = plugins::termination_effective_date(given_on, months);
    if (!effective) return invalid("given_on", "the notice period cannot be computed from this date");

    return db_.transact_value<access_agreement>(by.data_scope(), [&](soci::session& sql) -> result<access_agreement> {
        auto a = load(sql, agreement_id);
        if (!a) return not_found("access agreement");
        auto to = next_state(a->status, agreement_action::give_notice);
        if (!to) return to.err();
        if (given_on < a->starts_on) return invalid("given_on", "the agreement starts on " + a->starts_on);
        const std::string end = std::min(*effective, a->ends_on);
        const agreement_status from = a->status;
        const std::string at = format_timestamp(clock_.now()), side = lead ? "lead" : "partner";
        store::record_notice(sql, a->id, *to, given_on, side, end, at);
        a->status = *to;
        // No fees for agreement years that would start after the agreement has ended.
        store::delete_unpaid_fees_from(sql, a->id, end);
        decide_on(sql, *a, agreement_action::give_notice, from, *to,
                  side + " gave " + std::to_string(months) + " months' notice on " + given_on + "; ends on " + end, by, clock_);
        return *load(sql, a->id);
    });
}

result<access_agreement> agreement_service::add_lot(const acting& by, std::int64_t agreement_id, const std::string& lot_code)
{
    if (auto s = settle(); !s) return s.err();
    auto current = get(by, agreement_id);
    if (!current) return current.err();
    if (!by.caller || by.caller->tenant_id != current->partner_tenant_id) return forbidden("only the partner council changes its lots");
    if (current->status != agreement_status::active)
        return conflict("illegal_transition", "cannot add a lot to an agreement that is " + as_string(current->status), as_string(current->status));
    for (const auto& l : current->lots)
        if (l.lot_code == lot_code && !l.dropped_on) return conflict("already_joined", "the agreement already covers lot '" + lot_code + "'");
    auto lead_slug = identity::tenant_slug(db_, current->lead_tenant_id);
    auto partner_slug = identity::tenant_slug(db_, current->partner_tenant_id);
    if (!lead_slug) return lead_slug.err();
    if (!partner_slug) return partner_slug.err();
    const std::string today = london_date(clock_.now());
    return db_.transact_value<access_agreement>(by.data_scope(), [&](soci::session& sql) -> result<access_agreement> {
        auto a = load(sql, agreement_id);
        if (!a || a->status != agreement_status::active) return conflict("illegal_transition", "the agreement is no longer active");
        auto found = store::find_lot(sql, a->dps_id, lot_code);
        if (!found) return make_error(error_kind::not_found, "not_found", "the DPS has no lot '" + lot_code + "'");
        auto fee = fee_for(*lead_slug, *partner_slug, lot_code, found->second, a->starts_on, a->ends_on);
        if (!fee) return fee.err();
        const std::string joined = std::max(today, a->starts_on);
        store::insert_agreement_lot(sql, *a, found->first, *fee, joined);
        a = load(sql, agreement_id);
        reschedule(sql, *a, joined, a->ends_on);
        decide_on(sql, *a, "add_lot", a->status, a->status, "joined lot " + lot_code, by, clock_);
        return *load(sql, a->id);
    });
}

result<access_agreement> agreement_service::drop_lot(const acting& by, std::int64_t agreement_id, const std::string& lot_code)
{
    if (auto s = settle(); !s) return s.err();
    const std::string today = london_date(clock_.now());
    return db_.transact_value<access_agreement>(by.data_scope(), [&](soci::session& sql) -> result<access_agreement> {
        auto a = load(sql, agreement_id);
        if (!a) return not_found("access agreement");
        if (!by.caller || by.caller->tenant_id != a->partner_tenant_id) return forbidden("only the partner council changes its lots");
        if (a->status != agreement_status::active)
            return conflict("illegal_transition", "cannot drop a lot from an agreement that is " + as_string(a->status), as_string(a->status));
        std::optional<agreement_lot> found;
        std::size_t live = 0;
        for (const auto& l : a->lots) {
            if (l.dropped_on) continue;
            ++live;
            if (l.lot_code == lot_code) found = l;
        }
        if (!found) return make_error(error_kind::not_found, "not_found", "the agreement does not cover lot '" + lot_code + "'");
        if (live == 1) return conflict("last_lot", "an agreement needs at least one lot; give notice to leave instead");
        store::drop_agreement_lot(sql, found->id, today);
        a = load(sql, agreement_id);
        reschedule(sql, *a, today > a->starts_on ? today : a->starts_on, a->ends_on);
        decide_on(sql, *a, "drop_lot", a->status, a->status, "left lot " + lot_code, by, clock_);
        return *load(sql, a->id);
    });
}

result<access_agreement> agreement_service::mark_fee_paid(const acting& by, std::int64_t agreement_id, std::int64_t fee_id,
                                                         const std::string& paid_on)
{
    if (!valid_date(paid_on)) return invalid("paid_on", plugins::service_date_rule());
    return db_.transact_value<access_agreement>(by.data_scope(), [&](soci::session& sql) -> result<access_agreement> {
        auto a = load(sql, agreement_id);
        if (!a) return not_found("access agreement");
        if (!by.caller || by.caller->tenant_id != a->lead_tenant_id) return forbidden("the lead council records payments");
        const agreement_fee* fee = nullptr;
        for (const auto& f : a->fees)
            if (f.id == fee_id) fee = &f;
        if (!fee) return not_found("fee");
        if (fee->paid_on) return conflict("already_paid", "this fee was recorded as paid on " + *fee->paid_on);
        store::mark_fee_paid(sql, fee_id, paid_on);
        decide_on(sql, *a, "fee_paid", a->status, a->status, "fee for the year from " + fee->year_starts_on + " paid on " + paid_on, by, clock_);
        return *load(sql, a->id);
    });
}

result<access_agreement> agreement_service::get(const acting& by, std::int64_t agreement_id)
{
    if (auto s = settle(); !s) return s.err();
    return db_.transact_value<access_agreement>(by.data_scope(), [&](soci::session& sql) -> result<access_agreement> {
        auto a = load(sql, agreement_id);
        if (!a) return not_found("access agreement");
        return *a;
    });
}

result<std::vector<access_agreement>> agreement_service::list(const acting& by, std::int64_t dps_id)
{
    if (auto s = settle(); !s) return s.err();
    return db_.transact_value<std::vector<access_agreement>>(by.data_scope(), [&](soci::session& sql) -> result<std::vector<access_agreement>> {
        auto d = store::load_dps(sql, dps_id);
        if (!d || !visible_to(*d, by)) return not_found("DPS");
        const bool lead = !by.caller || by.caller->tenant_id == d->tenant_id;
        std::vector<access_agreement> out;
        for (auto id : store::agreements_on(sql, dps_id, lead ? 0 : by.caller->tenant_id.value_or(-1)))
            if (auto a = load(sql, id)) out.push_back(std::move(*a));
        return out;
    });
}

result<spend_authority> agreement_service::add_spend_authority(const acting& by, std::int64_t dps_id, std::int64_t limit_pence,
                                                               const std::string& starts_on, const std::string& ends_on,
                                                               const std::optional<std::string>& approved_by)
{
    if (!by.caller || !by.caller->tenant_id) return forbidden("only a council records a spend authority");
    if (limit_pence <= 0) return invalid("limit_pence", "must be a positive number of pence");
    if (!valid_date(starts_on)) return invalid("starts_on", plugins::service_date_rule());
    if (!valid_date(ends_on)) return invalid("ends_on", plugins::service_date_rule());
    if (ends_on <= starts_on) return invalid("ends_on", "must be after starts_on");
    return db_.transact_value<spend_authority>(by.data_scope(), [&](soci::session& sql) -> result<spend_authority> {
        auto d = store::load_dps(sql, dps_id);
        if (!d || !visible_to(*d, by)) return not_found("DPS");
        const std::int64_t tenant = *by.caller->tenant_id;
        if (d->tenant_id != tenant && store::count_partner_agreements(sql, dps_id, tenant, false) == 0)
            return conflict("no_agreement", "record a spend authority once the council's access agreement is active");
        const std::string at = format_timestamp(clock_.now());
        spend_authority s{0, tenant, dps_id, limit_pence, starts_on, ends_on, approved_by, at};
        s.id = store::insert_spend_authority(sql, s);
        const auto id = s.id;
        audit::record(sql, audit::entry{by.actor(), tenant, std::nullopt, "spend_authority.create", "spend_authority", std::to_string(id),
                                        by.request_id, boost::json::serialize(to_json(s)), clock_.now()});
        return s;
    });
}

result<std::vector<spend_authority>> agreement_service::spend_authorities(const acting& by, std::int64_t dps_id)
{
    return db_.transact_value<std::vector<spend_authority>>(by.data_scope(), [&](soci::session& sql) -> result<std::vector<spend_authority>> {
        return store::spend_authorities_of(sql, dps_id, by.caller && by.caller->tenant_id ? *by.caller->tenant_id : 0);
    });
}

result<std::optional<auth::owner>> agreement_service::agreement_owner(std::int64_t agreement_id, const db::scope& as)
{
    return db_.transact_value<std::optional<auth::owner>>(as, [&](soci::session& sql) -> result<std::optional<auth::owner>> {
        auto a = load(sql, agreement_id);
        if (!a) return std::optional<auth::owner>{};
        return std::optional<auth::owner>{auth::owner{a->lead_tenant_id, std::nullopt, std::nullopt, a->partner_tenant_id}};
    });
}

} // namespace dps::purchasing
