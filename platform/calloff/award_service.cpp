// Awards, approvals in the order the council's route gives, spend authority, contracts.
#include "calloff/award_service.hpp"

#include "auth/access_guard.hpp"
#include "calloff/award_store.hpp"
#include "calloff/bid_store.hpp"
#include "calloff/calloff_store.hpp"
#include "calloff/contract_store.hpp"
#include "calloff/contract_service.hpp"
#include "calloff/contract_terms.hpp"
#include "calloff/spend_check.hpp"
#include "calloff/lifecycles.hpp"
#include "db/database.hpp"
#include "identity/tenant_slug.hpp"
#include "core/money.hpp"
#include "plugins/plugin_host.hpp"

namespace dps::calloff {

using identity::acting;
using namespace store;
using money::pounds;

namespace {


bool holds_authority(const auth::principal& p, const std::string& authority)
{
    for (const auto& g : p.roles)
        if (g.granted == auth::role::approver && g.authority == authority) return true;
    return false;
}

} // namespace

award_service::award_service(db::database& db, const clock& now, plugins::plugin_host& plugins)
    : db_(db), clock_(now), plugins_(plugins), changes_(std::make_unique<contract_service>(db, now, plugins))
{
}

award_service::~award_service() = default;

contract_service& award_service::contract_changes() { return *changes_; }

result<award> award_service::propose(const acting& by, std::int64_t call_off_id, std::optional<std::int64_t> bid_id,
                                     const block_terms& block)
{
    if (!by.council()) return forbidden("only the calling council awards");
    // Read the bid to award, then ask the council's plugin for the route and authority outside any transaction.
    std::optional<call_off> c;
    std::optional<bid> chosen;
    auto read = db_.read(by.data_scope(), [&](soci::session& sql) -> status {
        c = load_call_off(sql, call_off_id);
        if (!c || c->tenant_id != *by.caller->tenant_id) return not_found("call-off");
        if (auto to = next_state(c->status, call_off_action::propose_award); !to) return to.err();
        for (const auto& b : live_bids(sql, c->id))
            if ((bid_id && b.id == *bid_id) || (!bid_id && b.rank == 1)) chosen = b;
        if (!chosen) return bid_id ? not_found("bid on this call-off") : conflict("no_bids", "the call-off has no ranked bid to award");
        // After a negotiation round the award goes to a shortlisted bid, on its best and final offer.
        if (auto round = load_negotiation(sql, c->id); round && !shortlisted(*round, chosen->id))
            return conflict("not_shortlisted", "bid " + std::to_string(chosen->id) + " was not shortlisted in the negotiation round", as_string(c->status));
        return ok_status();
    });
    if (!read) return read.err();
    auto slug = identity::tenant_slug(db_, c->tenant_id);
    if (!slug) return slug.err();
    std::int64_t value = chosen->total_pence;
    if (block.guaranteed_hours || block.discount_percent) {
        // A block arrangement with the award: the hours are guaranteed and the rate paid is discounted.
        auto limit = block_discount_limit(plugins_, *slug);
        if (!limit) return limit.err();
        if (auto ok = check_block(block.guaranteed_hours, block.discount_percent, chosen->hours_per_week,
                                  chosen->hourly_rate_pence.has_value(), *limit);
            !ok)
            return ok.err();
        auto total = money::mul(weekly_cost({chosen->hourly_rate_pence, chosen->hours_per_week, std::nullopt, block.guaranteed_hours,
                                             block.discount_percent, {}}),
                                c->duration_weeks);
        if (!total) return money::out_of_range("block_discount_percent");
        value = *total;
    }
    auto terms = approval_terms(plugins_, *slug, {{"value_pence", value}, {"kind", "award"}});
    if (!terms) return terms.err();
    // Named, not a structured binding: the transaction lambda below captures them (Clang 14 refuses bindings).
    const auto& route = terms->route;
    const auto& authority = terms->authority;

    return db_.transact_value<award>(by.data_scope(), [&](soci::session& sql) -> result<award> {
        auto current = load_call_off(sql, call_off_id, lock_rows(db_.kind()));
        if (!current) return not_found("call-off");
        auto to = next_state(current->status, call_off_action::propose_award);
        if (!to) return to.err(); // the other commissioner's award got there first
        // An award that could never be approved within the authority is refused now, not at the last signature.
        if (auto ok = within_authority(sql, current->tenant_id, value,
                                       authorities_for(sql, current->tenant_id, current->dps_id, current->starts_on, authority));
            !ok)
            return ok.err();
        const auto id = insert_award(sql, {current->id, current->tenant_id, chosen->id, chosen->provider_org_id, "award", std::nullopt, value,
                                           block.guaranteed_hours, block.discount_percent},
                                     route, by, clock_);
        record(sql, *current, {chosen->provider_org_id, "award", id, "propose", std::nullopt, award_status::pending, pounds(value) + " to bid " + std::to_string(chosen->id) + "; " + std::to_string(route.size()) + " approvals" +
                   (block.guaranteed_hours ? "; block of " + std::to_string(*block.guaranteed_hours) + " hours a week at " +
                                                 std::to_string(block.discount_percent.value_or(0)) + "% off"
                                           : "")}, by, clock_);
        move_call_off(sql, *current, call_off_action::propose_award, *to, std::nullopt, by, clock_);
        return *load_award(sql, id);
    });
}

result<award> award_service::decide(const acting& by, std::int64_t award_id, const std::string& decision,
                                    const std::optional<std::string>& comment)
{
    const auto verdict = parse<award_action>(decision);
    if (!verdict) return invalid("decision", "approve or reject");
    const bool rejecting = *verdict == award_action::reject;
    // The award's verdict and its step's are the same word in two vocabularies.
    const approval_action step_verdict = rejecting ? approval_action::reject : approval_action::approve;
    if (rejecting && (!comment || comment->empty())) return invalid("comment", "say why the award is rejected");
    if (comment && comment->size() > 4000) return invalid("comment", "at most 4000 characters");
    if (!by.council()) return forbidden("only the calling council's approvers decide on awards");
    // The authority the council's plugin declares is read before the transaction; the check runs under the lock.
    std::optional<plugins::spend_authority> declared;
    {
        auto slug = identity::tenant_slug(db_, *by.caller->tenant_id);
        if (!slug) return slug.err();
        auto got = plugins::if_installed(plugins_.spend_authority(*slug));
        if (!got) return got.err();
        declared = got->value_or(std::nullopt); // the hook itself may declare none
    }
    return db_.transact_value<award>(by.data_scope(), [&](soci::session& sql) -> result<award> {
        auto a = load_award(sql, award_id, lock_rows(db_.kind()));
        if (!a || a->tenant_id != *by.caller->tenant_id) return not_found("award");
        auto award_to = next_state(a->status, *verdict);
        if (!award_to) return award_to.err();
        const approval* step = nullptr;
        for (const auto& s : a->approvals)
            if (s.status == approval_status::pending) { step = &s; break; }
        if (!step) return conflict("illegal_transition", "the award has no approval waiting", as_string(a->status));
        if (!holds_authority(*by.caller, step->authority))
            return forbidden("approval " + std::to_string(step->step) + " of " + std::to_string(a->approvals.size()) +
                             " needs an approver holding the authority '" + step->authority + "'");
        auto c = load_call_off(sql, a->call_off_id, lock_rows(db_.kind()));
        const std::string at = format_timestamp(clock_.now());
        auto step_to = next_state(step->status, step_verdict);
        if (!step_to) return step_to.err();
        const approval_status step_status = *step_to;
        decide_approval(sql, step->id, step_status, by.actor(), comment, at);
        std::string consulted;
        for (const auto& name : step->in_consultation_with) consulted += (consulted.empty() ? "" : ", ") + name;
        record(sql, *c, {a->provider_org_id, "award_approval", step->id, step_verdict, step->status, step_status, step->authority + (consulted.empty() ? "" : " in consultation with " + consulted) + (comment ? ": " + *comment : "")}, by, clock_);
        const bool last = step == &a->approvals.back();
        const bool changes_contract = a->kind != "award";
        if (rejecting && changes_contract) {
            if (auto s = reject_change(sql, *a, *c, comment, by, clock_); !s) return s.err();
            return *load_award(sql, a->id);
        }
        if (rejecting) {
            set_award_status(sql, a->id, *award_to, at);
            record(sql, *c, {a->provider_org_id, "award", a->id, award_action::reject, a->status, *award_to, comment}, by, clock_);
            auto call_off_to = next_state(c->status, call_off_action::award_rejected);
            if (!call_off_to) return call_off_to.err(); // rolls the whole decision back: never an unchecked move
            move_call_off(sql, *c, call_off_action::award_rejected, *call_off_to, comment, by, clock_);
            return *load_award(sql, a->id);
        }
        if (!last) return *load_award(sql, a->id);

        // The last approval: the award becomes a contract only within the council's spend authority.
        // Every final approval of this council queues on its tenant row, so no two can both fit the
        // same headroom (SQLite's BEGIN IMMEDIATE serialises them already).
        lock_council(sql, a->tenant_id, db_.kind());
        if (changes_contract) {
            if (auto ok = apply_approved_change(sql, db_.kind(), *a, *c, declared, by, clock_); !ok) return ok.err();
            return *load_award(sql, a->id);
        }
        if (auto ok = within_authority(sql, a->tenant_id, a->value_pence, authorities_for(sql, a->tenant_id, c->dps_id, c->starts_on, declared));
            !ok)
            return ok.err();
        set_award_status(sql, a->id, *award_to, at);
        record(sql, *c, {a->provider_org_id, "award", a->id, award_action::approve, a->status, *award_to, std::nullopt}, by, clock_);
        auto won = load_bid(sql, a->bid_id);
        contract let;
        let.call_off_id = c->id;
        let.award_id = a->id;
        let.dps_id = c->dps_id;
        let.lot_id = c->lot_id;
        let.tenant_id = a->tenant_id;
        let.provider_org_id = a->provider_org_id;
        let.hourly_rate_pence = won->hourly_rate_pence;
        let.hours_per_week = won->hours_per_week;
        let.weekly_cost_pence = won->weekly_cost_pence;
        let.starts_on = c->starts_on;
        let.ends_on = add_days(c->starts_on, c->duration_weeks * 7 - 1);
        let.value_pence = a->value_pence;
        let.created_at = at;
        let.block_guaranteed_hours = a->block_guaranteed_hours;
        let.block_discount_percent = a->block_discount_percent;
        const auto contract_id = insert_contract(sql, let);
        record(sql, *c, {a->provider_org_id, "contract", contract_id, "create", std::nullopt, contract_status::active, pounds(let.value_pence)}, by, clock_);
        for (const auto& b : live_bids(sql, c->id)) {
            const bid_action action = b.id == a->bid_id ? bid_action::award : bid_action::lose;
            auto bid_to = next_state(b.status, action);
            if (!bid_to) continue; // already settled
            set_bid_status(sql, b.id, *bid_to, at);
            record(sql, *c, {b.provider_org_id, "bid", b.id, action, b.status, *bid_to, std::nullopt}, by, clock_);
        }
        auto call_off_to = next_state(c->status, call_off_action::contract);
        if (!call_off_to) return call_off_to.err();
        move_call_off(sql, *c, call_off_action::contract, *call_off_to, std::nullopt, by, clock_);
        auto out = load_award(sql, a->id);
        out->contract_id = contract_id;
        return *out;
    });
}

result<award> award_service::get(const acting& by, std::int64_t award_id)
{
    return db_.read_value<award>(by.data_scope(), [&](soci::session& sql) -> result<award> {
        auto a = load_award(sql, award_id);
        if (!a || !by.council() || a->tenant_id != *by.caller->tenant_id) return not_found("award");
        if (a->kind == "award" && a->status == award_status::approved) {
            if (auto contract_id = contract_for_award(sql, a->id)) a->contract_id = contract_id;
        }
        return *a;
    });
}

result<page<contract>> award_service::contracts(const acting& by, const page_request& asked)
{
    if (!by.caller || (!by.caller->tenant_id && !by.caller->provider_org_id)) return forbidden("contracts belong to councils and providers");
    if (auto s = changes_->settle(); !s) return s.err();
    return db_.read_value<page<contract>>(by.data_scope(), [&](soci::session& sql) -> result<page<contract>> {
        return by.council() ? contracts_of_council(sql, *by.caller->tenant_id, asked)
                            : contracts_of_provider(sql, *by.caller->provider_org_id, asked);
    });
}

result<contract> award_service::get_contract(const acting& by, std::int64_t contract_id)
{
    if (auto s = changes_->settle(); !s) return s.err();
    return db_.read_value<contract>(by.data_scope(), [&](soci::session& sql) -> result<contract> {
        auto c = load_contract(sql, contract_id);
        const bool party = c && by.caller &&
                           ((by.caller->tenant_id && *by.caller->tenant_id == c->tenant_id) ||
                            (by.caller->provider_org_id && *by.caller->provider_org_id == c->provider_org_id));
        if (!party) return not_found("contract");
        c->changes = store::contract_changes(sql, contract_id);
        return *c;
    });
}

result<std::optional<auth::owner>> award_service::award_owner(std::int64_t award_id, const db::scope& as)
{
    return db_.read_value<std::optional<auth::owner>>(as, [&](soci::session& sql) -> result<std::optional<auth::owner>> {
        auto tenant = award_tenant(sql, award_id);
        if (!tenant) return std::optional<auth::owner>{};
        return std::optional<auth::owner>{auth::owner{*tenant, std::nullopt, std::nullopt, std::nullopt}};
    });
}

result<std::optional<auth::owner>> award_service::contract_owner(std::int64_t contract_id, const db::scope& as)
{
    return db_.read_value<std::optional<auth::owner>>(as, [&](soci::session& sql) -> result<std::optional<auth::owner>> {
        auto parties = contract_parties(sql, contract_id);
        if (!parties) return std::optional<auth::owner>{};
        return std::optional<auth::owner>{auth::owner{parties->first, parties->second, std::nullopt, std::nullopt}};
    });
}

} // namespace dps::calloff
