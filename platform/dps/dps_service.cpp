// DPS, lots, provider profiles, applications and the lead's decisions.
#include "dps/dps_service.hpp"

#include "audit/audit_store.hpp"
#include "db/database.hpp"
#include "dps/dps_store.hpp"
#include "dps/lifecycles.hpp"
#include "identity/tenant_slug.hpp"
#include "plugins/iso_date.hpp"
#include "plugins/plugin_host.hpp"

#include <boost/json.hpp>
#include <soci/soci.h>

#include <array>
#include <regex>

namespace dps::purchasing {

using identity::acting;

namespace {

void audit_write(soci::session& sql, const acting& by, const clock& now, std::optional<std::int64_t> tenant_id,
                 std::optional<std::int64_t> provider_id, const std::string& action, const std::string& entity_type,
                 std::int64_t entity_id, const boost::json::value& payload)
{
    audit::record(sql, audit::entry{by.actor(), tenant_id, provider_id, action, entity_type, std::to_string(entity_id),
                                    by.request_id, boost::json::serialize(payload), now.now()});
}

int rating_rank(const std::string& rating)
{
    if (rating == "outstanding") return 4;
    if (rating == "good") return 3;
    if (rating == "requires_improvement") return 2;
    if (rating == "inadequate") return 1;
    return 0;
}

std::string rating_words(const std::string& rating)
{
    if (rating == "requires_improvement") return "Requires improvement";
    if (rating.empty()) return "no rating";
    std::string out = rating;
    out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
    return out;
}

std::string str_field(const boost::json::object& o, const char* key)
{
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->get_string()) : std::string{};
}

// The lot's own requirements, checked against the provider's profile.
boost::json::array check_requirements(const lot& l, const provider_profile& p, const std::string& today)
{
    boost::json::array checks;
    auto add = [&](const char* criterion, bool passed, const std::string& detail) {
        checks.push_back({{"criterion", criterion}, {"passed", passed}, {"detail", detail}});
    };
    const std::string regulator = str_field(l.requirements, "regulator");
    const std::string minimum = str_field(l.requirements, "minimum_rating");
    const bool cqc = regulator == "cqc" || (regulator.empty() && !minimum.empty() && p.cqc_rating);
    const std::string rating = (cqc ? p.cqc_rating : p.ofsted_rating).value_or("");
    const char* body = cqc ? "CQC" : "Ofsted";
    if (!regulator.empty()) {
        const bool registered = cqc ? (p.cqc_provider_id || p.cqc_location_id) : p.ofsted_urn.has_value();
        add("regulator", registered && !rating.empty(),
            registered && !rating.empty() ? std::string{"registered with "} + body + ", rated " + rating_words(rating)
                                          : std::string{"the lot requires "} + body + " registration with a current rating");
    }
    if (!minimum.empty()) {
        const bool ok = rating_rank(rating) >= rating_rank(minimum);
        add("minimum_rating", ok,
            std::string{body} + " rating " + rating_words(rating) + (ok ? " meets " : " is below ") + "the lot's minimum of " +
                rating_words(minimum));
    }
    const std::string wage = str_field(l.requirements, "living_wage");
    if (!wage.empty()) {
        const std::string held = p.living_wage_commitment.value_or("none");
        const bool ok = held == wage || (wage == "real_living_wage" && held == "london_living_wage");
        add("living_wage", ok, ok ? "commits to the " + wage : "the lot requires a " + wage + " commitment; the provider's is " + held);
    }
    const bool needs_insurance = l.requirements.contains("public_liability_pence") || l.requirements.contains("employers_liability_pence");
    if (needs_insurance || p.insurance_expires_on) {
        const bool ok = p.insurance_expires_on && *p.insurance_expires_on >= today;
        add("insurance", ok,
            ok ? "insured until " + *p.insurance_expires_on
               : (p.insurance_expires_on ? "insurance expired on " + *p.insurance_expires_on : std::string{"no insurance on record"}));
    }
    return checks;
}

const std::array<const char*, 6> kProfileFields{"cqc_rating", "ofsted_rating", "living_wage_commitment", "insurance_expires_on",
                                                "cqc_inspected_on", "ofsted_inspected_on"};

} // namespace

std::optional<std::string> valid_date(const std::string& text)
{
    if (!plugins::parse_service_date(text)) return std::nullopt;
    return text;
}

bool visible_to(const dps_system& d, const acting& by)
{
    if (!by.caller) return true; // the platform itself (seed, CLI)
    // Operators read no business data: like any other council, they see a DPS only once it has opened.
    if (by.caller->tenant_id == d.tenant_id) return true;
    return d.status != "draft"; // others see a DPS once it has opened
}

void record_decision(soci::session& sql, const dps_system& d, std::optional<std::int64_t> partner, std::optional<std::int64_t> provider,
                     const std::string& entity_type, std::int64_t entity_id, const std::string& action,
                     const std::optional<std::string>& from, const std::string& to, const std::optional<std::string>& reason,
                     const acting& by, const clock& now)
{
    store::insert_decision(sql, {d.id, d.tenant_id, entity_id, partner, provider, entity_type, action, from, to, reason, by.actor(),
                                 format_timestamp(now.now())});
    boost::json::object payload{{"action", action}, {"to", to}};
    if (from) payload["from"] = *from;
    if (reason) payload["reason"] = *reason;
    // The audit row belongs to the acting council (a partner acting on the lead's DPS writes its own
    // trail; row-level security would refuse it the lead's); dps_decisions is shared by both.
    const std::int64_t audit_tenant = by.caller && by.caller->tenant_id ? *by.caller->tenant_id : d.tenant_id;
    audit_write(sql, by, now, audit_tenant, provider, entity_type + "." + action, entity_type, entity_id, payload);
}

void settle_dps(soci::session& sql, dps_system& d, const std::string& today, const acting& by, const clock& now)
{
    if (today <= d.term_ends_on) return;
    auto to = next_state(lifecycle::dps, d.status, "expire"); // only an open or suspended DPS expires
    if (!to) return;
    const std::string from = d.status;
    const std::string at = format_timestamp(now.now());
    store::set_dps_status(sql, d.id, *to, at);
    d.status = *to;
    d.updated_at = at;
    record_decision(sql, d, std::nullopt, std::nullopt, "dps", d.id, "expire", from, *to,
                    std::string{"the term ended on "} + d.term_ends_on, by, now);
}

dps_service::dps_service(db::database& db, const clock& now, plugins::plugin_host& plugins) : db_(db), clock_(now), plugins_(plugins) {}

status dps_service::settle()
{
    const std::string today = london_date(clock_.now());
    return db_.transact(db::scope::platform(), [&](soci::session& sql) -> status {
        for (auto id : store::dps_past_their_term(sql, today)) {
            auto d = store::load_dps(sql, id);
            if (d) settle_dps(sql, *d, today, acting{nullptr, "-", "system"}, clock_);
        }
        return ok_status();
    });
}

result<dps_system> dps_service::create(const acting& by, const new_dps& in)
{
    if (!by.caller || !by.caller->tenant_id) return forbidden("only a council can host a DPS");
    if (in.regime != "pcr2015_reg34" && in.regime != "pa2023_dynamic_market")
        return invalid("regime", "pcr2015_reg34 (PCR 2015 regulation 34 DPS) or pa2023_dynamic_market (Procurement Act 2023)");
    for (const auto& [name, value] : {std::pair{"term_starts_on", in.term_starts_on}, std::pair{"term_ends_on", in.term_ends_on},
                                      std::pair{"latest_end_on", in.latest_end_on}})
        if (!valid_date(value)) return invalid(name, plugins::service_date_rule());
    if (in.term_ends_on <= in.term_starts_on) return invalid("term_ends_on", "must be after term_starts_on");
    if (in.latest_end_on < in.term_ends_on) return invalid("latest_end_on", "the extension options cannot end before the term");
    return db_.transact_value<dps_system>(by.data_scope(), [&](soci::session& sql) -> result<dps_system> {
        const std::string at = format_timestamp(clock_.now());
        dps_system d{0, *by.caller->tenant_id, in.title, in.category, in.regime, in.term_starts_on, in.term_ends_on,
                     in.latest_end_on, "draft", at, at};
        d.id = store::insert_dps(sql, d);
        record_decision(sql, d, std::nullopt, std::nullopt, "dps", d.id, "create", std::nullopt, "draft", std::nullopt, by, clock_);
        return d;
    });
}

result<std::vector<dps_system>> dps_service::list(const acting& by)
{
    if (auto settled = settle(); !settled) return settled.err();
    return db_.transact_value<std::vector<dps_system>>(by.data_scope(), [&](soci::session& sql) -> result<std::vector<dps_system>> {
        std::vector<dps_system> out;
        for (auto& d : store::list_dps(sql))
            if (visible_to(d, by)) out.push_back(d);
        return out;
    });
}

result<dps_system> dps_service::get(const acting& by, std::int64_t dps_id)
{
    if (auto settled = settle(); !settled) return settled.err();
    return db_.transact_value<dps_system>(by.data_scope(), [&](soci::session& sql) -> result<dps_system> {
        auto d = store::load_dps(sql, dps_id);
        if (!d || !visible_to(*d, by)) return not_found("DPS");
        return *d;
    });
}

result<dps_system> dps_service::change_status(const acting& by, std::int64_t dps_id, const std::string& action,
                                              const std::optional<std::string>& reason)
{
    if (!is_action(lifecycle::dps, action)) return invalid("action", "one of open, suspend, reopen, close");
    if (auto settled = settle(); !settled) return settled.err();
    const std::string today = london_date(clock_.now());
    return db_.transact_value<dps_system>(by.data_scope(), [&](soci::session& sql) -> result<dps_system> {
        auto d = store::load_dps(sql, dps_id);
        if (!d || !visible_to(*d, by)) return not_found("DPS");
        auto to = next_state(lifecycle::dps, d->status, action);
        if (!to) return to.err();
        if (action == "open" && today > d->term_ends_on) return make_error(error_kind::conflict, "term_ended", "the DPS's term has ended");
        const std::string from = d->status, at = format_timestamp(clock_.now());
        store::set_dps_status(sql, d->id, *to, at);
        d->status = *to;
        d->updated_at = at;
        record_decision(sql, *d, std::nullopt, std::nullopt, "dps", d->id, action, from, *to, reason, by, clock_);
        return *d;
    });
}

result<dps_system> dps_service::extend(const acting& by, std::int64_t dps_id, const std::string& new_end)
{
    if (!valid_date(new_end)) return invalid("term_ends_on", plugins::service_date_rule());
    if (auto settled = settle(); !settled) return settled.err();
    return db_.transact_value<dps_system>(by.data_scope(), [&](soci::session& sql) -> result<dps_system> {
        auto d = store::load_dps(sql, dps_id);
        if (!d || !visible_to(*d, by)) return not_found("DPS");
        if (d->status == "closed" || d->status == "expired")
            return make_error(error_kind::conflict, "illegal_transition", "cannot extend a DPS that is " + d->status, d->status);
        if (new_end <= d->term_ends_on) return invalid("term_ends_on", "an extension must end after " + d->term_ends_on);
        if (new_end > d->latest_end_on)
            return invalid("term_ends_on", "the extension options allow the term to run to " + d->latest_end_on + " at most");
        const std::string from = d->term_ends_on, at = format_timestamp(clock_.now());
        store::set_dps_term_end(sql, d->id, new_end, at);
        d->term_ends_on = new_end;
        d->updated_at = at;
        record_decision(sql, *d, std::nullopt, std::nullopt, "dps", d->id, "extend", d->status, d->status,
                                "term extended from " + from + " to " + new_end, by, clock_);
        return *d;
    });
}

result<lot> dps_service::add_lot(const acting& by, std::int64_t dps_id, lot input)
{
    static const std::regex code_pattern("^[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}$");
    if (!std::regex_match(input.code, code_pattern)) return invalid("code", "1 to 64 letters, digits, '.', '_', '+' or '-'");
    if (input.name.empty() || input.name.size() > 200) return invalid("name", "1 to 200 characters");
    return db_.transact_value<lot>(by.data_scope(), [&](soci::session& sql) -> result<lot> {
        auto d = store::load_dps(sql, dps_id);
        if (!d || !visible_to(*d, by)) return not_found("DPS");
        if (d->status == "closed" || d->status == "expired")
            return make_error(error_kind::conflict, "illegal_transition", "cannot add a lot to a DPS that is " + d->status, d->status);
        if (store::load_lot(sql, dps_id, input.code))
            return make_error(error_kind::conflict, "already_exists", "the DPS already has a lot '" + input.code + "'");
        input.dps_id = dps_id;
        input.tenant_id = d->tenant_id;
        input.id = store::insert_lot(sql, input, format_timestamp(clock_.now()));
        audit_write(sql, by, clock_, d->tenant_id, std::nullopt, "lot.create", "lot", input.id, to_json(input));
        return input;
    });
}

result<std::vector<lot>> dps_service::import_plugin_lots(const acting& by, std::int64_t dps_id)
{
    auto d = get(by, dps_id);
    if (!d) return d.err();
    auto slug = identity::tenant_slug(db_, d->tenant_id);
    if (!slug) return slug.err();
    auto defined = plugins_.lots(*slug);
    if (!defined) return defined.err();
    auto existing = lots(by, dps_id);
    if (!existing) return existing.err();
    std::vector<lot> out;
    for (const auto& def : *defined) {
        bool have = false;
        for (const auto& e : *existing) have = have || e.code == def.code;
        if (have) continue;
        lot l;
        l.code = def.code;
        l.name = def.name;
        l.description = def.description;
        const auto& req = def.requirements;
        if (req.regulator) l.requirements["regulator"] = *req.regulator;
        if (req.minimum_rating) l.requirements["minimum_rating"] = *req.minimum_rating;
        if (req.living_wage) l.requirements["living_wage"] = *req.living_wage;
        if (req.public_liability_pence) l.requirements["public_liability_pence"] = *req.public_liability_pence;
        if (req.employers_liability_pence) l.requirements["employers_liability_pence"] = *req.employers_liability_pence;
        if (!req.other.empty()) l.requirements["other"] = boost::json::value_from(req.other);
        auto added = add_lot(by, dps_id, l);
        if (!added) return added.err();
        out.push_back(*added);
    }
    return out;
}

result<std::vector<lot>> dps_service::lots(const acting& by, std::int64_t dps_id)
{
    return db_.transact_value<std::vector<lot>>(by.data_scope(), [&](soci::session& sql) -> result<std::vector<lot>> {
        auto d = store::load_dps(sql, dps_id);
        if (!d || !visible_to(*d, by)) return not_found("DPS");
        return store::list_lots(sql, dps_id);
    });
}

result<provider_profile> dps_service::profile(const acting& by, std::int64_t provider_id)
{
    return db_.transact_value<provider_profile>(by.data_scope(), [&](soci::session& sql) -> result<provider_profile> {
        auto p = store::load_profile(sql, provider_id);
        if (!p) return not_found("provider organisation");
        return *p;
    });
}

result<provider_profile> dps_service::update_profile(const acting& by, std::int64_t provider_id, const boost::json::object& fields)
{
    static const std::vector<std::string> ratings{"outstanding", "good", "requires_improvement", "inadequate"};
    static const std::vector<std::string> wages{"none", "national_living_wage", "real_living_wage", "london_living_wage"};
    static const std::vector<std::string> allowed{"cqc_location_id", "cqc_rating",      "cqc_inspected_on",  "ofsted_urn",
                                                  "ofsted_rating",   "ofsted_inspected_on", "insurance_expires_on",
                                                  "living_wage_commitment", "contact_email", "contact_phone"};
    std::vector<std::pair<std::string, std::optional<std::string>>> changes;
    for (const auto& kv : fields) {
        const std::string key{kv.key()};
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) return invalid(key, "not a profile field");
        if (kv.value().is_null()) {
            changes.emplace_back(key, std::nullopt);
            continue;
        }
        if (!kv.value().is_string() || kv.value().get_string().size() > 200) return invalid(key, "must be a string of at most 200 characters");
        const std::string value{kv.value().get_string()};
        if ((key == "cqc_rating" || key == "ofsted_rating") && std::find(ratings.begin(), ratings.end(), value) == ratings.end())
            return invalid(key, "outstanding, good, requires_improvement or inadequate");
        if (key == "living_wage_commitment" && std::find(wages.begin(), wages.end(), value) == wages.end())
            return invalid(key, "none, national_living_wage, real_living_wage or london_living_wage");
        if (key.size() > 3 && key.compare(key.size() - 3, 3, "_on") == 0 && !valid_date(value))
            return invalid(key, plugins::service_date_rule());
        changes.emplace_back(key, value);
    }
    if (changes.empty()) return invalid("body", "no profile fields to change");
    return db_.transact_value<provider_profile>(by.data_scope(), [&](soci::session& sql) -> result<provider_profile> {
        if (!store::load_profile(sql, provider_id)) return not_found("provider organisation");
        // The column name comes from the fixed list above, never from the client's text.
        for (const auto& [field, value] : changes) store::set_profile_field(sql, provider_id, field, value);
        auto p = store::load_profile(sql, provider_id);
        audit_write(sql, by, clock_, std::nullopt, provider_id, "provider.profile_update", "provider_organisation", provider_id,
                    boost::json::value(fields));
        return *p;
    });
}

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
    if (d->status != "open")
        return make_error(error_kind::conflict, "illegal_transition", "cannot apply to a DPS that is " + d->status, d->status);
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
        row.status = failed_reason ? "rejected" : "submitted";
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
            if (!status || a.status == *status) out.push_back(std::move(a));
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
    if (!is_action(lifecycle::application, in.action))
        return invalid("action", "one of admit, reject, suspend, reinstate, remove, withdraw");
    const bool lead_action = in.action != "withdraw";
    if ((in.action == "reject" || in.action == "suspend" || in.action == "remove") && (!in.reason || in.reason->empty()))
        return invalid("reason", "a reason is required to " + in.action);
    if (in.action == "suspend" && (!in.evidence_required || in.evidence_required->empty()))
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
        if (in.action == "admit" && d->status != "open")
            return make_error(error_kind::conflict, "illegal_transition", "cannot admit to a DPS that is " + d->status, d->status);
        auto to = next_state(lifecycle::application, a->status, in.action);
        if (!to) return to.err();
        const std::string at = format_timestamp(clock_.now());
        std::optional<std::string> suspended_from = a->suspended_from, evidence = a->evidence_required, reason = in.reason;
        if (in.action == "suspend") {
            suspended_from = in.effective_on.value_or(today);
            evidence = in.evidence_required;
        }
        if (in.action == "reinstate") {
            suspended_from.reset();
            evidence.reset();
        }
        application decided = *a;
        decided.status = *to;
        decided.reason = reason;
        decided.evidence_required = evidence;
        decided.suspended_from = suspended_from;
        store::update_application_decision(sql, decided, at);
        record_decision(sql, *d, std::nullopt, a->provider_org_id, "application", a->id, in.action, a->status, *to, reason, by, clock_);
        return *store::load_application(sql, a->id);
    });
}

result<std::vector<decision>> dps_service::history(const acting& by, const std::string& entity_type, std::int64_t entity_id)
{
    return db_.transact_value<std::vector<decision>>(by.data_scope(), [&](soci::session& sql) -> result<std::vector<decision>> {
        return store::list_decisions(sql, entity_type, entity_id);
    });
}

result<std::optional<auth::owner>> dps_service::dps_owner(std::int64_t dps_id, const db::scope& as)
{
    return db_.transact_value<std::optional<auth::owner>>(as, [&](soci::session& sql) -> result<std::optional<auth::owner>> {
        auto d = store::load_dps(sql, dps_id);
        if (!d) return std::optional<auth::owner>{};
        return std::optional<auth::owner>{auth::owner{d->tenant_id, std::nullopt, std::nullopt, std::nullopt}};
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
