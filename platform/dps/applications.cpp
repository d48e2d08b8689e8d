// dps_service's applications: a provider applies to a lot (the lot's requirements and the lead's
// `eligible` hook checked at once), the lists and the application itself, and the lead's (or, to
// withdraw, the provider's) decisions on it. The DPS, its lots and profiles: dps_service.cpp.
#include "dps/dps_service.hpp"

#include "db/database.hpp"
#include "dps/dps_store.hpp"
#include "dps/eligibility.hpp"
#include "dps/lifecycles.hpp"
#include "identity/tenant_slug.hpp"
#include "plugins/iso_date.hpp"
#include "plugins/plugin_host.hpp"

#include <boost/json.hpp>
#include <soci/soci.h>

namespace dps::purchasing {

using identity::acting;

result<application> dps_service::apply(const acting& by, std::int64_t dps_id, const std::string& lot_code)
{
    if (!by.caller || !by.caller->provider_org_id) return forbidden("only a provider organisation can apply");
    const std::int64_t provider_id = *by.caller->provider_org_id;
    if (auto settled = settle(); !settled) return settled.err();
    const std::string today = london_date(clock_.now());

    // Read what the checks need, then run the lead's plugin outside any transaction.
    std::optional<dps_system> d;
    std::optional<lot> l;
    std::optional<provider_profile> p;
    std::string lead_slug;
    auto read = db_.transact(by.data_scope(), [&](soci::session& sql) -> status {
        d = store::load_dps(sql, dps_id);
        if (!d || !visible_to(*d, by)) return not_found("DPS");
        l = store::load_lot(sql, dps_id, lot_code);
        p = store::load_profile(sql, provider_id);
        return ok_status();
    });
    if (!read) return read.err();
    if (d->status != dps_status::open)
        return make_error(error_kind::conflict, "illegal_transition", "cannot apply to a DPS that is " + as_string(d->status), as_string(d->status));
    if (!l) return make_error(error_kind::not_found, "not_found", "the DPS has no lot '" + lot_code + "'");
    if (!p) return not_found("provider organisation");
    auto slug = identity::tenant_slug(db_, d->tenant_id);
    if (!slug) return slug.err();
    lead_slug = *slug;

    auto checks = check_requirements(*l, *p, today);
    auto verdict = plugins_.eligible(lead_slug, to_json(*p).as_object(), to_json(*l).as_object());
    if (verdict) {
        checks.push_back({{"criterion", "local_rules"}, {"passed", verdict->eligible},
                          {"detail", verdict->eligible ? std::string{"meets the lead council's local rules"} : verdict->reason}});
    } else if (verdict.err().code == "plugin_not_installed") {
        checks.push_back({{"criterion", "local_rules"}, {"passed", true}, {"detail", "the lead council has no local rules"}});
    } else {
        return verdict.err(); // a broken plugin fails the request; it does not admit or reject anyone
    }
    std::optional<std::string> failed_reason;
    for (const auto& c : checks)
        if (!c.at("passed").as_bool() && !failed_reason) failed_reason = std::string(c.at("detail").as_string());

    return db_.transact_value<application>(by.data_scope(), [&](soci::session& sql) -> result<application> {
        const std::string at = format_timestamp(clock_.now());
        application row;
        row.dps_id = dps_id;
        row.lot_id = l->id;
        row.tenant_id = d->tenant_id;
        row.provider_org_id = provider_id;
        row.status = failed_reason ? application_status::rejected : application_status::submitted;
        row.checks = checks;
        row.reason = failed_reason;
        row.submitted_at = row.updated_at = at;
        if (failed_reason) row.decided_at = at;
        const auto id = store::insert_application(sql, row);
        record_decision(sql, *d, std::nullopt, provider_id, "application", id, "apply", std::nullopt, "submitted", std::nullopt,
                                by, clock_);
        if (failed_reason)
            record_decision(sql, *d, std::nullopt, provider_id, "application", id, "reject", std::string{"submitted"},
                                    "rejected", failed_reason, acting{nullptr, by.request_id, "system"}, clock_);
        return *store::load_application(sql, id);
    });
}

result<std::vector<application>> dps_service::applications(const acting& by, std::int64_t dps_id, const std::optional<std::string>& status)
{
    return db_.transact_value<std::vector<application>>(by.data_scope(), [&](soci::session& sql) -> result<std::vector<application>> {
        auto d = store::load_dps(sql, dps_id);
        if (!d || !visible_to(*d, by)) return not_found("DPS");
        if (by.caller && by.caller->is_operator()) return forbidden("operators read no business data: applications are the lead's and the applicant's");
        const bool lead = !by.caller || by.caller->tenant_id == d->tenant_id;
        store::application_viewer viewer;
        if (by.caller && by.caller->provider_org_id) viewer = {store::application_viewer::kind::provider, *by.caller->provider_org_id};
        else if (!lead) viewer = {store::application_viewer::kind::partner, by.caller->tenant_id.value_or(0)};
        std::vector<application> out;
        for (auto& a : store::list_applications(sql, dps_id, viewer))
            if (!status || to_text(a.status) == *status) out.push_back(std::move(a));
        return out;
    });
}

result<application> dps_service::get_application(const acting& by, std::int64_t application_id)
{
    return db_.transact_value<application>(by.data_scope(), [&](soci::session& sql) -> result<application> {
        auto a = store::load_application(sql, application_id);
        if (!a) return not_found("application");
        return *a;
    });
}

result<application> dps_service::decide(const acting& by, std::int64_t application_id, const decision_input& in)
{
    const auto act = parse<application_action>(in.action);
    if (!act)
        return invalid("action", "one of admit, reject, suspend, reinstate, remove, withdraw");
    const bool lead_action = *act != application_action::withdraw;
    if ((*act == application_action::reject || *act == application_action::suspend || *act == application_action::remove) && (!in.reason || in.reason->empty()))
        return invalid("reason", "a reason is required to " + in.action);
    if (*act == application_action::suspend && (!in.evidence_required || in.evidence_required->empty()))
        return invalid("evidence_required", "say what the provider must evidence to be reinstated");
    if (in.effective_on && !valid_date(*in.effective_on)) return invalid("effective_on", plugins::service_date_rule());
    if (auto settled = settle(); !settled) return settled.err();
    const std::string today = london_date(clock_.now());
    // A suspension takes effect when it is recorded (it may be back-dated); scheduling one for a
    // later date is not supported, so it is refused rather than applied early.
    if (in.effective_on && *in.effective_on > today)
        return invalid("effective_on", "a suspension starts today or earlier; record it on the day it begins");
    return db_.transact_value<application>(by.data_scope(), [&](soci::session& sql) -> result<application> {
        auto a = store::load_application(sql, application_id);
        if (!a) return not_found("application");
        auto d = store::load_dps(sql, a->dps_id);
        if (!d) return not_found("DPS");
        const bool is_lead = by.caller && by.caller->tenant_id == a->tenant_id;
        const bool is_provider = by.caller && by.caller->provider_org_id == a->provider_org_id;
        if (lead_action && !is_lead) return forbidden("only the lead council decides on applications");
        if (!lead_action && !is_provider) return forbidden("only the applying provider can withdraw");
        if (*act == application_action::admit && d->status != dps_status::open)
            return make_error(error_kind::conflict, "illegal_transition", "cannot admit to a DPS that is " + as_string(d->status), as_string(d->status));
        auto to = next_state(a->status, *act);
        if (!to) return to.err();
        const std::string at = format_timestamp(clock_.now());
        std::optional<std::string> suspended_from = a->suspended_from, evidence = a->evidence_required, reason = in.reason;
        if (*act == application_action::suspend) {
            suspended_from = in.effective_on.value_or(today);
            evidence = in.evidence_required;
        }
        if (*act == application_action::reinstate) {
            suspended_from.reset();
            evidence.reset();
        }
        application decided = *a;
        decided.status = *to;
        decided.reason = reason;
        decided.evidence_required = evidence;
        decided.suspended_from = suspended_from;
        store::update_application_decision(sql, decided, at);
        record_decision(sql, *d, std::nullopt, a->provider_org_id, "application", a->id, *act, a->status, *to, reason, by, clock_);
        return *store::load_application(sql, a->id);
    });
}

result<std::optional<auth::owner>> dps_service::application_owner(std::int64_t application_id, const db::scope& as)
{
    return db_.transact_value<std::optional<auth::owner>>(as, [&](soci::session& sql) -> result<std::optional<auth::owner>> {
        auto a = store::load_application(sql, application_id);
        if (!a) return std::optional<auth::owner>{};
        return std::optional<auth::owner>{auth::owner{a->tenant_id, a->provider_org_id, std::nullopt, std::nullopt}};
    });
}

} // namespace dps::purchasing
