// DPS, lots and provider profiles, the decision trail and the owners; applications: applications.cpp.
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
    return d.status != dps_status::draft; // others see a DPS once it has opened
}

void record_decision(soci::session& sql, const dps_system& d, std::optional<std::int64_t> partner, std::optional<std::int64_t> provider,
                     const std::string& entity_type, std::int64_t entity_id, const word& action,
                     const std::optional<word>& from, const word& to, const std::optional<std::string>& reason,
                     const acting& by, const clock& now)
{
    const std::optional<std::string> from_text = from ? std::optional{from->text} : std::nullopt;
    store::insert_decision(sql, {d.id, d.tenant_id, entity_id, partner, provider, entity_type, action.text, from_text, to.text, reason,
                                 by.actor(), format_timestamp(now.now())});
    boost::json::object payload{{"action", action.text}, {"to", to.text}};
    if (from) payload["from"] = from->text;
    if (reason) payload["reason"] = *reason;
    // The audit row belongs to the acting council (a partner acting on the lead's DPS writes its own
    // trail; row-level security would refuse it the lead's); dps_decisions is shared by both.
    const std::int64_t audit_tenant = by.caller && by.caller->tenant_id ? *by.caller->tenant_id : d.tenant_id;
    audit_write(sql, by, now, audit_tenant, provider, entity_type + "." + action.text, entity_type, entity_id, payload);
}

void settle_dps(soci::session& sql, dps_system& d, const std::string& today, const acting& by, const clock& now)
{
    if (today <= d.term_ends_on) return;
    auto to = next_state(d.status, dps_action::expire); // only an open or suspended DPS expires
    if (!to) return;
    const dps_status from = d.status;
    const std::string at = format_timestamp(now.now());
    store::set_dps_status(sql, d.id, *to, at);
    d.status = *to;
    d.updated_at = at;
    record_decision(sql, d, std::nullopt, std::nullopt, "dps", d.id, dps_action::expire, from, *to,
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
                     in.latest_end_on, dps_status::draft, at, at};
        d.id = store::insert_dps(sql, d);
        record_decision(sql, d, std::nullopt, std::nullopt, "dps", d.id, "create", std::nullopt, dps_status::draft, std::nullopt, by, clock_);
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
    const auto act = parse<dps_action>(action);
    if (!act) return invalid("action", "one of open, suspend, reopen, close");
    if (auto settled = settle(); !settled) return settled.err();
    const std::string today = london_date(clock_.now());
    return db_.transact_value<dps_system>(by.data_scope(), [&](soci::session& sql) -> result<dps_system> {
        auto d = store::load_dps(sql, dps_id);
        if (!d || !visible_to(*d, by)) return not_found("DPS");
        auto to = next_state(d->status, *act);
        if (!to) return to.err();
        if (*act == dps_action::open && today > d->term_ends_on) return make_error(error_kind::conflict, "term_ended", "the DPS's term has ended");
        const dps_status from = d->status;
        const std::string at = format_timestamp(clock_.now());
        store::set_dps_status(sql, d->id, *to, at);
        d->status = *to;
        d->updated_at = at;
        record_decision(sql, *d, std::nullopt, std::nullopt, "dps", d->id, *act, from, *to, reason, by, clock_);
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
        if (d->status == dps_status::closed || d->status == dps_status::expired)
            return make_error(error_kind::conflict, "illegal_transition", "cannot extend a DPS that is " + as_string(d->status), as_string(d->status));
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
        if (d->status == dps_status::closed || d->status == dps_status::expired)
            return make_error(error_kind::conflict, "illegal_transition", "cannot add a lot to a DPS that is " + as_string(d->status), as_string(d->status));
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

} // namespace dps::purchasing
