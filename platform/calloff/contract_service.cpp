// Variations, extensions, uplifts and block arrangements of call-off contracts; contracts ending.
#include "calloff/contract_service.hpp"

#include "calloff/award_store.hpp"
#include "calloff/calloff_store.hpp"
#include "calloff/contract_store.hpp"
#include "calloff/contract_terms.hpp"
#include "calloff/lifecycles.hpp"
#include "calloff/spend_check.hpp"
#include "core/money.hpp"
#include "db/database.hpp"
#include "identity/tenant_slug.hpp"
#include "plugins/iso_date.hpp"
#include "plugins/plugin_host.hpp"

#include <boost/json.hpp>

namespace dps::calloff {

using identity::acting;
using namespace store;
using money::pounds;

namespace {

bool valid_date(const std::string& d) { return plugins::parse_service_date(d).has_value(); }

contract_terms terms_of(const contract& c)
{
    return {c.hourly_rate_pence, c.hours_per_week, c.weekly_cost_pence, c.block_guaranteed_hours, c.block_discount_percent, c.ends_on};
}

std::string later(const std::string& a, const std::string& b) { return a < b ? b : a; }
std::string earlier(const std::string& a, const std::string& b) { return a < b ? a : b; }

// A change row with the terms before (the contract) and after; decided at once unless pending.
contract_change change_of(const contract& c, std::optional<std::int64_t> award_id, const std::string& kind, change_status status,
                          const std::string& effective_on, const contract_terms& after, std::int64_t value_after,
                          const std::optional<std::string>& reason, const acting& by, const clock& now)
{
    contract_change ch;
    ch.contract_id = c.id;
    ch.award_id = award_id;
    ch.kind = kind;
    ch.status = status;
    ch.effective_on = effective_on;
    ch.hourly_rate_before = c.hourly_rate_pence;
    ch.hourly_rate_after = after.hourly_rate_pence;
    ch.hours_before = c.hours_per_week;
    ch.hours_after = after.hours_per_week;
    ch.weekly_cost_before = c.weekly_cost_pence;
    ch.weekly_cost_after = after.weekly_cost_pence;
    ch.block_hours_before = c.block_guaranteed_hours;
    ch.block_hours_after = after.block_guaranteed_hours;
    ch.block_discount_before = c.block_discount_percent;
    ch.block_discount_after = after.block_discount_percent;
    ch.ends_on_before = c.ends_on;
    ch.ends_on_after = after.ends_on;
    ch.value_before_pence = c.value_pence;
    ch.value_after_pence = value_after;
    ch.reason = reason;
    ch.requested_by = by.actor();
    ch.created_at = format_timestamp(now.now());
    if (status != change_status::pending) ch.decided_at = ch.created_at;
    return ch;
}

// The contract as the rate_uplift hook sees it.
boost::json::object hook_view(const contract& c)
{
    boost::json::object o{{"id", c.id}, {"hourly_rate_pence", *c.hourly_rate_pence}, {"start_date", c.starts_on},
                          {"end_date", c.ends_on}, {"lot", c.lot_code}, {"value_pence", c.value_pence}};
    if (c.hours_per_week) o["hours_per_week"] = *c.hours_per_week;
    if (c.block_discount_percent) o["block_discount_percent"] = *c.block_discount_percent;
    return o;
}

error unprocessable(const std::string& code, const std::string& message) { return make_error(error_kind::unprocessable, code, message); }

} // namespace

result<approval_plan> approval_terms(const plugins::plugin_host& plugins, const std::string& slug, const boost::json::object& facts)
{
    auto routed = plugins::if_installed(plugins.approval_route(slug, facts));
    if (!routed) return routed.err();
    auto declared = plugins::if_installed(plugins.spend_authority(slug));
    if (!declared) return declared.err();
    // No plugin: one approval by a budget holder, and no authority beyond those recorded.
    return approval_plan{routed->value_or(std::vector<plugins::approval_step>{{"budget_holder", {}}}),
                         declared->value_or(std::nullopt)};
}

result<int> block_discount_limit(const plugins::plugin_host& plugins, const std::string& slug)
{
    auto limit = plugins::if_installed(plugins.max_block_discount_percent(slug));
    if (!limit) return limit.err();
    return limit->value_or(0);
}

status check_block(std::optional<std::int64_t> guaranteed, std::optional<std::int64_t> discount, std::optional<std::int64_t> hours_per_week,
                   bool hourly, int max_percent)
{
    if (!guaranteed && !discount) return ok_status();
    if (!guaranteed) return invalid("block_guaranteed_hours", "a block arrangement needs the guaranteed hours a week");
    if (!discount) return invalid("block_discount_percent", "a block arrangement needs its discount (0 for none)");
    if (!hourly) return invalid("block_guaranteed_hours", "a block of guaranteed hours needs a contract priced by the hour");
    if (*guaranteed < 1 || *guaranteed > hours_per_week.value_or(0))
        return invalid("block_guaranteed_hours", "from 1 to the hours a week (" + std::to_string(hours_per_week.value_or(0)) + ")");
    if (*discount < 0 || *discount > 100) return invalid("block_discount_percent", "a whole percent, 0 to 100");
    if (*discount > max_percent)
        return unprocessable("block_discount_above_maximum",
                             "a block discount of " + std::to_string(*discount) + "% is more than the council's maximum of " +
                                 std::to_string(max_percent) + "% off the hourly rate (max_block_discount_percent)");
    return ok_status();
}

contract_service::contract_service(db::database& db, const clock& now, plugins::plugin_host& plugins) : db_(db), clock_(now), plugins_(plugins) {}

status contract_service::settle()
{
    const std::string today = london_date(clock_.now());
    return db_.transact(db::scope::platform(), [&](soci::session& sql) -> status {
        const auto due = contracts_past_end(sql, today);
        const acting system{nullptr, "-", "system"};
        for (auto id : due) {
            auto c = load_contract(sql, id, lock_rows(db_.kind()));
            if (!c || c->ends_on >= today) continue;
            auto to = next_state(c->status, contract_action::end);
            if (!to) continue; // another reader ended it first
            set_contract_status(sql, id, *to, format_timestamp(clock_.now()));
            auto co = load_call_off(sql, c->call_off_id);
            record(sql, *co, {c->provider_org_id, "contract", id, contract_action::end, c->status, *to, "the contract's term ended on " + c->ends_on}, system, clock_);
        }
        return ok_status();
    });
}

result<award> contract_service::vary(const acting& by, std::int64_t contract_id, const variation_input& in)
{
    if (!by.council()) return forbidden("only the contracting council varies a contract");
    for (const auto& [field, v] : {std::pair{"ends_on", &in.ends_on}, std::pair{"effective_on", &in.effective_on}})
        if (*v && !valid_date(**v)) return invalid(field, plugins::service_date_rule());
    if (in.reason && in.reason->size() > 2000) return invalid("reason", "at most 2000 characters");
    if (auto s = settle(); !s) return s.err();
    const std::string today = london_date(clock_.now());

    // Read the contract and work out the new terms and value; then ask the plugin, outside any transaction.
    std::optional<contract> before;
    std::int64_t bid_id = 0;
    std::optional<std::string> last;
    auto read = db_.read(by.data_scope(), [&](soci::session& sql) -> status {
        before = load_contract(sql, contract_id);
        if (!before || before->tenant_id != *by.caller->tenant_id) return not_found("contract");
        bid_id = award_bid(sql, before->award_id).value_or(0);
        last = last_effective(sql, contract_id);
        return ok_status();
    });
    if (!read) return read.err();
    const contract& c = *before;
    if (c.status != contract_status::active) return conflict("illegal_transition", "cannot vary a contract that is " + as_string(c.status), as_string(c.status));

    const bool hourly = c.hourly_rate_pence.has_value();
    if (hourly && in.weekly_cost_pence) return invalid("weekly_cost_pence", "the contract is priced by the hour: vary hourly_rate_pence or hours_per_week");
    if (!hourly && (in.hourly_rate_pence || in.hours_per_week))
        return invalid(in.hourly_rate_pence ? "hourly_rate_pence" : "hours_per_week", "the contract is priced by the week: vary weekly_cost_pence");
    contract_terms from = terms_of(c), to = from;
    if (in.hourly_rate_pence) to.hourly_rate_pence = in.hourly_rate_pence;
    if (in.hours_per_week) to.hours_per_week = in.hours_per_week;
    if (in.weekly_cost_pence) to.weekly_cost_pence = in.weekly_cost_pence;
    if (in.block_guaranteed_hours || in.block_discount_percent) {
        to.block_guaranteed_hours = in.block_guaranteed_hours;
        to.block_discount_percent = in.block_discount_percent;
    }
    if (in.ends_on) to.ends_on = *in.ends_on;
    const bool terms_change = to.hourly_rate_pence != from.hourly_rate_pence || to.hours_per_week != from.hours_per_week ||
                              to.weekly_cost_pence != from.weekly_cost_pence || to.block_guaranteed_hours != from.block_guaranteed_hours ||
                              to.block_discount_percent != from.block_discount_percent;
    const bool end_changes = to.ends_on != from.ends_on;
    if (!terms_change && !end_changes)
        return invalid("body", "nothing to vary: give a new hourly_rate_pence, hours_per_week, weekly_cost_pence, ends_on or block");
    if (to.ends_on < c.starts_on) return invalid("ends_on", "must not be before the contract starts (" + c.starts_on + ")");
    if (end_changes && to.ends_on < today) return invalid("ends_on", "must not be in the past");
    if (to.block_guaranteed_hours && to.hours_per_week && *to.block_guaranteed_hours > *to.hours_per_week)
        return invalid("hours_per_week", "must not fall below the block's guaranteed hours (" + std::to_string(*to.block_guaranteed_hours) + ")");

    // New terms apply from effective_on (default today, or the start if it is still to come); an
    // end date alone changes the days between the old and the new end.
    std::string effective;
    if (terms_change) {
        effective = in.effective_on.value_or(later(today, c.starts_on));
        if (effective < c.starts_on) return invalid("effective_on", "must not be before the contract starts (" + c.starts_on + ")");
        if (effective > earlier(from.ends_on, to.ends_on))
            return invalid("effective_on", "must fall within the contract's term, by " + earlier(from.ends_on, to.ends_on));
    } else {
        if (in.effective_on) return invalid("effective_on", "only with a change of rate, hours, weekly cost or block");
        effective = add_days(earlier(from.ends_on, to.ends_on), 1);
    }
    if (last && effective < *last)
        return conflict("out_of_order", "a change effective on " + *last + " is applied already; this one would take effect on " +
                                            effective + ", before it");
    const auto valued = changed_value(c.value_pence, from, to, effective);
    if (!valued) return money::out_of_range(in.hourly_rate_pence ? "hourly_rate_pence" : in.weekly_cost_pence ? "weekly_cost_pence"
                                            : in.hours_per_week  ? "hours_per_week"
                                            : in.ends_on         ? "ends_on"
                                                                 : "body");
    const std::int64_t value = *valued;
    if (value <= 0) return invalid("body", "the varied contract must keep a value above zero");
    const std::string kind = !terms_change && to.ends_on > from.ends_on ? "extension" : "variation";

    auto slug = identity::tenant_slug(db_, c.tenant_id);
    if (!slug) return slug.err();
    if (in.block_guaranteed_hours || in.block_discount_percent) {
        auto limit = block_discount_limit(plugins_, *slug);
        if (!limit) return limit.err();
        if (auto ok = check_block(to.block_guaranteed_hours, to.block_discount_percent, to.hours_per_week, hourly, *limit); !ok) return ok.err();
    }
    auto terms = approval_terms(plugins_, *slug, {{"value_pence", value}, {"kind", kind}, {"previous_value_pence", c.value_pence},
                                                  {"change_pence", value - c.value_pence}, {"contract_id", c.id}, {"lot", c.lot_code}});
    if (!terms) return terms.err();
    // Named, not a structured binding: the transaction lambda below captures them (Clang 14 refuses bindings).
    const auto& route = terms->route;
    const auto& authority = terms->authority;

    return db_.transact_value<award>(by.data_scope(), [&](soci::session& sql) -> result<award> {
        auto current = load_contract(sql, contract_id, lock_rows(db_.kind()));
        if (!current) return not_found("contract");
        if (current->status != contract_status::active)
            return conflict("illegal_transition", "cannot vary a contract that is " + as_string(current->status), as_string(current->status));
        if (current->updated_at != c.updated_at) return conflict("contract_changed", "the contract changed while the variation was prepared; try again");
        if (change_pending(sql, contract_id))
            return conflict("change_pending", "a variation or extension of this contract is awaiting approval; decide it first");
        // A variation that could never be approved within the authority is refused now, not at the last signature.
        if (value > c.value_pence) {
            if (auto ok = within_authority(sql, c.tenant_id, value - c.value_pence,
                                           authorities_for(sql, c.tenant_id, c.dps_id, c.starts_on, authority), "a " + kind);
                !ok)
                return ok.err();
        }
        auto co = load_call_off(sql, c.call_off_id);
        const auto award_id = insert_award(sql, {c.call_off_id, c.tenant_id, bid_id, c.provider_org_id, kind, c.id, value, std::nullopt, std::nullopt},
                                           route, by, clock_);
        const auto change_id = insert_change(sql, c, change_of(c, award_id, kind, change_status::pending, effective, to, value, in.reason, by, clock_));
        const std::string summary = pounds(c.value_pence) + " to " + pounds(value) + " from " + effective + "; " +
                                    std::to_string(route.size()) + " approvals";
        record(sql, *co, {c.provider_org_id, "contract_change", change_id, "propose_" + kind, std::nullopt, change_status::pending, in.reason ? summary + ": " + *in.reason : summary}, by, clock_);
        record(sql, *co, {c.provider_org_id, "award", award_id, "propose", std::nullopt, award_status::pending, kind + " of contract " + std::to_string(c.id) + ", " + summary}, by, clock_);
        return *load_award(sql, award_id);
    });
}

result<uplift_proposal> contract_service::uplift(const acting& by, std::int64_t contract_id, const std::string& date)
{
    if (!by.council()) return forbidden("only the contracting council uplifts a contract");
    if (!valid_date(date)) return invalid("date", plugins::service_date_rule());
    if (auto s = settle(); !s) return s.err();
    std::optional<contract> c;
    bool applied = false;
    auto read = db_.read(by.data_scope(), [&](soci::session& sql) -> status {
        c = load_contract(sql, contract_id);
        if (!c || c->tenant_id != *by.caller->tenant_id) return not_found("contract");
        applied = uplift_applied(sql, contract_id, date);
        return ok_status();
    });
    if (!read) return read.err();
    if (!c->hourly_rate_pence) return unprocessable("uplift_not_applicable", "the contract is priced by the week; rate uplifts apply to hourly rates");
    auto slug = identity::tenant_slug(db_, c->tenant_id);
    if (!slug) return slug.err();
    std::int64_t proposed = *c->hourly_rate_pence;
    if (!applied) {
        auto hook = plugins::if_installed(plugins_.rate_uplift(*slug, hook_view(*c), date));
        if (!hook) return hook.err();
        proposed = hook->value_or(proposed);
    }
    uplift_proposal out{c->id, date, *c->hourly_rate_pence, proposed, c->value_pence, c->value_pence, proposed != *c->hourly_rate_pence, applied};
    if (out.due && date > c->starts_on && date <= c->ends_on) {
        contract_terms from = terms_of(*c), to = from;
        to.hourly_rate_pence = proposed;
        auto valued = changed_value(c->value_pence, from, to, date);
        if (!valued) return money::out_of_range("rate_uplift");
        out.proposed_value_pence = *valued;
    }
    return out;
}

result<contract> contract_service::apply_uplift(const acting& by, std::int64_t contract_id, const std::string& date)
{
    auto proposal = uplift(by, contract_id, date);
    if (!proposal) return proposal.err();
    const std::string today = london_date(clock_.now());
    if (proposal->applied) return conflict("uplift_already_applied", "the uplift for " + date + " is applied already");
    if (date > today) return conflict("uplift_not_yet", "an uplift from " + date + " can be applied on or after that date, not before");
    if (!proposal->due)
        return unprocessable("no_uplift_due", "the council's rate_uplift rule proposes no change to the hourly rate on " + date);
    const std::int64_t new_rate = proposal->proposed_rate_pence;
    std::optional<plugins::spend_authority> authority;
    {
        auto slug = identity::tenant_slug(db_, *by.caller->tenant_id);
        if (!slug) return slug.err();
        auto declared = plugins::if_installed(plugins_.spend_authority(*slug));
        if (!declared) return declared.err();
        authority = declared->value_or(std::nullopt);
    }
    return db_.transact_value<contract>(by.data_scope(), [&](soci::session& sql) -> result<contract> {
        auto c = load_contract(sql, contract_id, lock_rows(db_.kind()));
        if (!c) return not_found("contract");
        if (c->status != contract_status::active) return conflict("illegal_transition", "cannot uplift a contract that is " + as_string(c->status), as_string(c->status));
        if (date <= c->starts_on || date > c->ends_on)
            return unprocessable("uplift_outside_term", "an uplift must take effect after the contract starts (" + c->starts_on +
                                                            ") and by its end (" + c->ends_on + ")");
        if (c->hourly_rate_pence != proposal->current_rate_pence)
            return conflict("contract_changed", "the contract's rate changed while the uplift was prepared; try again");
        if (change_pending(sql, contract_id))
            return conflict("change_pending", "a variation or extension of this contract is awaiting approval; decide it first");
        if (auto last = last_effective(sql, contract_id); last && *last > date)
            return conflict("out_of_order", "a change effective on " + *last + " is applied already; an uplift cannot take effect before it");
        contract_terms from = terms_of(*c), to = from;
        to.hourly_rate_pence = new_rate;
        const auto valued = changed_value(c->value_pence, from, to, date);
        if (!valued) return money::out_of_range("rate_uplift");
        const std::int64_t value = *valued;
        if (value > c->value_pence) {
            // Committed spend may never pass the authority, uplifts included: queue on the tenant row as approvals do.
            lock_council(sql, c->tenant_id, db_.kind());
            if (auto ok = within_authority(sql, c->tenant_id, value - c->value_pence,
                                           authorities_for(sql, c->tenant_id, c->dps_id, c->starts_on, authority), "an uplift");
                !ok)
                return ok.err();
        }
        const auto change_id = insert_change(sql, *c, change_of(*c, std::nullopt, "uplift", change_status::applied, date, to, value, std::nullopt, by, clock_));
        write_terms(sql, c->id, to, value, c->status, format_timestamp(clock_.now()));
        auto co = load_call_off(sql, c->call_off_id);
        const std::string summary = "hourly rate " + pounds(*c->hourly_rate_pence) + " to " + pounds(new_rate) + " from " + date +
                                    "; value " + pounds(c->value_pence) + " to " + pounds(value);
        record(sql, *co, {c->provider_org_id, "contract_change", change_id, "uplift", std::nullopt, change_status::applied, summary}, by, clock_);
        record(sql, *co, {c->provider_org_id, "contract", c->id, "uplift", c->status, c->status, summary}, by, clock_);
        auto out = load_contract(sql, contract_id);
        out->changes = contract_changes(sql, contract_id);
        return *out;
    });
}

status apply_approved_change(soci::session& sql, db::backend kind, const award& a, const call_off& co,
                             const std::optional<plugins::spend_authority>& declared, const acting& by, const clock& now)
{
    auto change = change_for_award(sql, a.id);
    auto c = a.contract_id ? load_contract(sql, *a.contract_id, lock_rows(kind)) : std::nullopt;
    if (!change || !c) return make_error(error_kind::internal, "internal", "a variation without its contract change");
    if (c->status != contract_status::active)
        return conflict("illegal_transition", "the contract is " + as_string(c->status) + "; it can no longer be varied", as_string(c->status));
    if (c->value_pence != change->value_before_pence || c->ends_on != change->ends_on_before)
        return conflict("contract_changed", "the contract changed after the " + a.kind + " was proposed; reject it and propose again");
    const std::int64_t increase = change->value_after_pence - change->value_before_pence;
    if (increase > 0)
        if (auto ok = within_authority(sql, c->tenant_id, increase, authorities_for(sql, c->tenant_id, c->dps_id, c->starts_on, declared),
                                       "a " + a.kind);
            !ok)
            return ok;
    const contract_terms to{change->hourly_rate_after, change->hours_after, change->weekly_cost_after, change->block_hours_after,
                            change->block_discount_after, change->ends_on_after};
    write_terms(sql, c->id, to, change->value_after_pence, contract_status::active, format_timestamp(now.now()));
    auto change_to = next_state(change->status, change_action::apply);
    if (!change_to) return change_to.err();
    auto award_to = next_state(a.status, award_action::approve);
    if (!award_to) return award_to.err();
    const std::string at = format_timestamp(now.now());
    set_change_status(sql, change->id, *change_to, at);
    set_award_status(sql, a.id, *award_to, at);
    record(sql, co, {a.provider_org_id, "award", a.id, award_action::approve, a.status, *award_to, std::nullopt}, by, now);
    const std::string summary = pounds(change->value_before_pence) + " to " + pounds(change->value_after_pence) + " from " + change->effective_on;
    record(sql, co, {a.provider_org_id, "contract_change", change->id, change_action::apply, change->status, *change_to, summary}, by, now);
    record(sql, co, {a.provider_org_id, "contract", c->id, a.kind == "extension" ? "extend" : "vary", c->status, contract_status::active, summary}, by, now);
    return ok_status();
}

status reject_change(soci::session& sql, const award& a, const call_off& co, const std::optional<std::string>& comment, const acting& by,
                     const clock& now)
{
    auto award_to = next_state(a.status, award_action::reject);
    if (!award_to) return award_to.err();
    const std::string at = format_timestamp(now.now());
    set_award_status(sql, a.id, *award_to, at);
    record(sql, co, {a.provider_org_id, "award", a.id, award_action::reject, a.status, *award_to, comment}, by, now);
    if (auto change = change_for_award(sql, a.id)) {
        auto change_to = next_state(change->status, change_action::reject);
        if (!change_to) return change_to.err();
        set_change_status(sql, change->id, *change_to, at);
        record(sql, co, {a.provider_org_id, "contract_change", change->id, change_action::reject, change->status, *change_to, comment}, by, now);
    }
    return ok_status();
}

} // namespace dps::calloff
