// DPS, lots, provider profiles, applications and the lead's decisions.
#include "dps/dps_service.hpp"

#include "audit/audit_log.hpp"
#include "db/database.hpp"
#include "db/row_reader.hpp"
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

constexpr const char* kDpsColumns =
    "id, tenant_id, title, category, regime, term_starts_on, term_ends_on, latest_end_on, status, created_at, updated_at";
constexpr const char* kLotColumns = "id, dps_id, tenant_id, code, name, description, requirements";
constexpr const char* kProfileColumns =
    "id, name, status, companies_house_number, cqc_provider_id, cqc_location_id, cqc_rating, cqc_inspected_on, ofsted_urn, "
    "ofsted_rating, ofsted_inspected_on, insurance_expires_on, living_wage_commitment, contact_email, contact_phone";
constexpr const char* kApplicationSelect =
    "SELECT a.id, a.dps_id, a.lot_id, a.tenant_id, a.provider_org_id, l.code, p.name, a.status, a.checks, a.reason, "
    "a.evidence_required, a.suspended_from, a.submitted_at, a.decided_at, a.updated_at "
    "FROM applications a JOIN lots l ON l.id = a.lot_id JOIN provider_organisations p ON p.id = a.provider_org_id ";


dps_system dps_from(const soci::row& r)
{
    return {db::int_at(r, 0),  db::int_at(r, 1),  db::text_at(r, 2), db::text_at(r, 3), db::text_at(r, 4), db::text_at(r, 5),
            db::text_at(r, 6), db::text_at(r, 7), db::text_at(r, 8), db::text_at(r, 9), db::text_at(r, 10)};
}

lot lot_from(const soci::row& r)
{
    lot l{db::int_at(r, 0), db::int_at(r, 1), db::int_at(r, 2), db::text_at(r, 3), db::text_at(r, 4), db::text_at(r, 5), {}};
    boost::system::error_code ec;
    auto parsed = boost::json::parse(db::text_at(r, 6), ec);
    if (!ec && parsed.is_object()) l.requirements = parsed.get_object();
    return l;
}

provider_profile profile_from(const soci::row& r)
{
    provider_profile p;
    p.id = db::int_at(r, 0);
    p.name = db::text_at(r, 1);
    p.status = db::text_at(r, 2);
    std::array<std::optional<std::string>*, 12> fields{&p.companies_house_number, &p.cqc_provider_id, &p.cqc_location_id,
                                                       &p.cqc_rating, &p.cqc_inspected_on, &p.ofsted_urn, &p.ofsted_rating,
                                                       &p.ofsted_inspected_on, &p.insurance_expires_on, &p.living_wage_commitment,
                                                       &p.contact_email, &p.contact_phone};
    for (std::size_t i = 0; i < fields.size(); ++i) *fields[i] = db::opt_text_at(r, i + 3);
    return p;
}

application application_from(const soci::row& r)
{
    application a;
    a.id = db::int_at(r, 0);
    a.dps_id = db::int_at(r, 1);
    a.lot_id = db::int_at(r, 2);
    a.tenant_id = db::int_at(r, 3);
    a.provider_org_id = db::int_at(r, 4);
    a.lot_code = db::text_at(r, 5);
    a.provider_name = db::text_at(r, 6);
    a.status = db::text_at(r, 7);
    boost::system::error_code ec;
    auto checks = boost::json::parse(db::text_at(r, 8), ec);
    if (!ec && checks.is_array()) a.checks = checks.get_array();
    a.reason = db::opt_text_at(r, 9);
    a.evidence_required = db::opt_text_at(r, 10);
    a.suspended_from = db::opt_text_at(r, 11);
    a.submitted_at = db::text_at(r, 12);
    a.decided_at = db::opt_text_at(r, 13);
    a.updated_at = db::text_at(r, 14);
    return a;
}

std::optional<lot> load_lot(soci::session& sql, std::int64_t dps_id, const std::string& code)
{
    long long key = dps_id;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT " << kLotColumns << " FROM lots WHERE dps_id = :d AND code = :c", soci::use(key), soci::use(code));
    for (const auto& r : rows) return lot_from(r);
    return std::nullopt;
}

std::optional<provider_profile> load_profile(soci::session& sql, std::int64_t provider_id)
{
    long long key = provider_id;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT " << kProfileColumns << " FROM provider_organisations WHERE id = :id", soci::use(key));
    for (const auto& r : rows) return profile_from(r);
    return std::nullopt;
}

std::optional<application> load_application(soci::session& sql, std::int64_t id)
{
    long long key = id;
    soci::rowset<soci::row> rows = (sql.prepare << kApplicationSelect << "WHERE a.id = :id", soci::use(key));
    for (const auto& r : rows) return application_from(r);
    return std::nullopt;
}

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

namespace detail {

std::optional<std::string> valid_date(const std::string& text)
{
    if (!plugins::parse_service_date(text)) return std::nullopt;
    return text;
}

std::optional<dps_system> load_dps(soci::session& sql, std::int64_t dps_id)
{
    long long key = dps_id;
    soci::rowset<soci::row> rows = (sql.prepare << "SELECT " << kDpsColumns << " FROM dps_systems WHERE id = :id", soci::use(key));
    for (const auto& r : rows) return dps_from(r);
    return std::nullopt;
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
    long long dps_id = d.id, tenant = d.tenant_id, entity = entity_id;
    long long partner_v = partner.value_or(0), provider_v = provider.value_or(0);
    soci::indicator partner_i = partner ? soci::i_ok : soci::i_null, provider_i = provider ? soci::i_ok : soci::i_null;
    std::string from_v = from.value_or(""), reason_v = reason.value_or("");
    soci::indicator from_i = from ? soci::i_ok : soci::i_null, reason_i = reason ? soci::i_ok : soci::i_null;
    const std::string actor = by.actor(), at = format_timestamp(now.now());
    sql << "INSERT INTO dps_decisions (dps_id, tenant_id, partner_tenant_id, provider_org_id, entity_type, entity_id, action, "
           "from_status, to_status, reason, actor, decided_at) VALUES (:d, :t, :pt, :p, :et, :e, :a, :f, :to, :r, :actor, :at)",
        soci::use(dps_id), soci::use(tenant), soci::use(partner_v, partner_i), soci::use(provider_v, provider_i), soci::use(entity_type),
        soci::use(entity), soci::use(action), soci::use(from_v, from_i), soci::use(to), soci::use(reason_v, reason_i), soci::use(actor),
        soci::use(at);
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
    long long key = d.id;
    const std::string at = format_timestamp(now.now());
    sql << "UPDATE dps_systems SET status = :s, updated_at = :at WHERE id = :id", soci::use(*to), soci::use(at), soci::use(key);
    d.status = *to;
    d.updated_at = at;
    record_decision(sql, d, std::nullopt, std::nullopt, "dps", d.id, "expire", from, *to,
                    std::string{"the term ended on "} + d.term_ends_on, by, now);
}

} // namespace detail

dps_service::dps_service(db::database& db, const clock& now, plugins::plugin_host& plugins) : db_(db), clock_(now), plugins_(plugins) {}

status dps_service::settle()
{
    const std::string today = london_date(clock_.now());
    return db_.transact(db::scope::platform(), [&](soci::session& sql) -> status {
        std::vector<std::int64_t> due;
        {
            soci::rowset<soci::row> rows = (sql.prepare << "SELECT id FROM dps_systems WHERE status IN ('open', 'suspended') "
                                                           "AND term_ends_on < :today", soci::use(today));
            for (const auto& r : rows) due.push_back(db::int_at(r, 0));
        }
        for (auto id : due) {
            auto d = detail::load_dps(sql, id);
            if (d) detail::settle_dps(sql, *d, today, acting{nullptr, "-", "system"}, clock_);
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
        if (!detail::valid_date(value)) return invalid(name, plugins::service_date_rule());
    if (in.term_ends_on <= in.term_starts_on) return invalid("term_ends_on", "must be after term_starts_on");
    if (in.latest_end_on < in.term_ends_on) return invalid("latest_end_on", "the extension options cannot end before the term");
    return db_.transact_value<dps_system>(by.data_scope(), [&](soci::session& sql) -> result<dps_system> {
        const std::string at = format_timestamp(clock_.now());
        dps_system d{0, *by.caller->tenant_id, in.title, in.category, in.regime, in.term_starts_on, in.term_ends_on,
                     in.latest_end_on, "draft", at, at};
        long long id = 0, tenant = d.tenant_id;
        sql << "INSERT INTO dps_systems (tenant_id, title, category, regime, term_starts_on, term_ends_on, latest_end_on, status, "
               "created_at, updated_at) VALUES (:t, :title, :c, :r, :s, :e, :l, 'draft', :at, :at2) RETURNING id",
            soci::use(tenant), soci::use(d.title), soci::use(d.category), soci::use(d.regime), soci::use(d.term_starts_on),
            soci::use(d.term_ends_on), soci::use(d.latest_end_on), soci::use(at), soci::use(at), soci::into(id);
        d.id = id;
        detail::record_decision(sql, d, std::nullopt, std::nullopt, "dps", d.id, "create", std::nullopt, "draft", std::nullopt, by, clock_);
        return d;
    });
}

result<std::vector<dps_system>> dps_service::list(const acting& by)
{
    if (auto settled = settle(); !settled) return settled.err();
    return db_.transact_value<std::vector<dps_system>>(by.data_scope(), [&](soci::session& sql) -> result<std::vector<dps_system>> {
        std::vector<dps_system> all;
        {
            soci::rowset<soci::row> rows = (sql.prepare << "SELECT " << kDpsColumns << " FROM dps_systems ORDER BY id");
            for (const auto& r : rows) all.push_back(dps_from(r));
        }
        std::vector<dps_system> out;
        for (auto& d : all)
            if (detail::visible_to(d, by)) out.push_back(d);
        return out;
    });
}

result<dps_system> dps_service::get(const acting& by, std::int64_t dps_id)
{
    if (auto settled = settle(); !settled) return settled.err();
    return db_.transact_value<dps_system>(by.data_scope(), [&](soci::session& sql) -> result<dps_system> {
        auto d = detail::load_dps(sql, dps_id);
        if (!d || !detail::visible_to(*d, by)) return not_found("DPS");
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
        auto d = detail::load_dps(sql, dps_id);
        if (!d || !detail::visible_to(*d, by)) return not_found("DPS");
        auto to = next_state(lifecycle::dps, d->status, action);
        if (!to) return to.err();
        if (action == "open" && today > d->term_ends_on) return make_error(error_kind::conflict, "term_ended", "the DPS's term has ended");
        const std::string from = d->status, at = format_timestamp(clock_.now());
        long long key = d->id;
        sql << "UPDATE dps_systems SET status = :s, updated_at = :at WHERE id = :id", soci::use(*to), soci::use(at), soci::use(key);
        d->status = *to;
        d->updated_at = at;
        detail::record_decision(sql, *d, std::nullopt, std::nullopt, "dps", d->id, action, from, *to, reason, by, clock_);
        return *d;
    });
}

result<dps_system> dps_service::extend(const acting& by, std::int64_t dps_id, const std::string& new_end)
{
    if (!detail::valid_date(new_end)) return invalid("term_ends_on", plugins::service_date_rule());
    if (auto settled = settle(); !settled) return settled.err();
    return db_.transact_value<dps_system>(by.data_scope(), [&](soci::session& sql) -> result<dps_system> {
        auto d = detail::load_dps(sql, dps_id);
        if (!d || !detail::visible_to(*d, by)) return not_found("DPS");
        if (d->status == "closed" || d->status == "expired")
            return make_error(error_kind::conflict, "illegal_transition", "cannot extend a DPS that is " + d->status, d->status);
        if (new_end <= d->term_ends_on) return invalid("term_ends_on", "an extension must end after " + d->term_ends_on);
        if (new_end > d->latest_end_on)
            return invalid("term_ends_on", "the extension options allow the term to run to " + d->latest_end_on + " at most");
        const std::string from = d->term_ends_on, at = format_timestamp(clock_.now());
        long long key = d->id;
        sql << "UPDATE dps_systems SET term_ends_on = :e, updated_at = :at WHERE id = :id", soci::use(new_end), soci::use(at), soci::use(key);
        d->term_ends_on = new_end;
        d->updated_at = at;
        detail::record_decision(sql, *d, std::nullopt, std::nullopt, "dps", d->id, "extend", d->status, d->status,
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
        auto d = detail::load_dps(sql, dps_id);
        if (!d || !detail::visible_to(*d, by)) return not_found("DPS");
        if (d->status == "closed" || d->status == "expired")
            return make_error(error_kind::conflict, "illegal_transition", "cannot add a lot to a DPS that is " + d->status, d->status);
        if (load_lot(sql, dps_id, input.code))
            return make_error(error_kind::conflict, "already_exists", "the DPS already has a lot '" + input.code + "'");
        const std::string requirements = boost::json::serialize(input.requirements), at = format_timestamp(clock_.now());
        long long id = 0, dps_key = dps_id, tenant = d->tenant_id;
        sql << "INSERT INTO lots (dps_id, tenant_id, code, name, description, requirements, created_at) "
               "VALUES (:d, :t, :c, :n, :desc, :r, :at) RETURNING id",
            soci::use(dps_key), soci::use(tenant), soci::use(input.code), soci::use(input.name), soci::use(input.description),
            soci::use(requirements), soci::use(at), soci::into(id);
        input.id = id;
        input.dps_id = dps_id;
        input.tenant_id = d->tenant_id;
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
        auto d = detail::load_dps(sql, dps_id);
        if (!d || !detail::visible_to(*d, by)) return not_found("DPS");
        std::vector<lot> out;
        long long key = dps_id;
        soci::rowset<soci::row> rows = (sql.prepare << "SELECT " << kLotColumns << " FROM lots WHERE dps_id = :d ORDER BY code", soci::use(key));
        for (const auto& r : rows) out.push_back(lot_from(r));
        return out;
    });
}

result<provider_profile> dps_service::profile(const acting& by, std::int64_t provider_id)
{
    return db_.transact_value<provider_profile>(by.data_scope(), [&](soci::session& sql) -> result<provider_profile> {
        auto p = load_profile(sql, provider_id);
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
        if (key.size() > 3 && key.compare(key.size() - 3, 3, "_on") == 0 && !detail::valid_date(value))
            return invalid(key, plugins::service_date_rule());
        changes.emplace_back(key, value);
    }
    if (changes.empty()) return invalid("body", "no profile fields to change");
    return db_.transact_value<provider_profile>(by.data_scope(), [&](soci::session& sql) -> result<provider_profile> {
        if (!load_profile(sql, provider_id)) return not_found("provider organisation");
        long long key = provider_id;
        for (const auto& [field, value] : changes) {
            // The column name comes from the fixed list above, never from the client's text.
            const std::string v = value.value_or("");
            soci::indicator ind = value ? soci::i_ok : soci::i_null;
            sql << "UPDATE provider_organisations SET " + field + " = :v WHERE id = :id", soci::use(v, ind), soci::use(key);
        }
        auto p = load_profile(sql, provider_id);
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
        d = detail::load_dps(sql, dps_id);
        if (!d || !detail::visible_to(*d, by)) return not_found("DPS");
        l = load_lot(sql, dps_id, lot_code);
        p = load_profile(sql, provider_id);
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
        const std::string status = failed_reason ? "rejected" : "submitted";
        const std::string at = format_timestamp(clock_.now()), checks_text = boost::json::serialize(checks);
        long long id = 0, dps_key = dps_id, lot_key = l->id, tenant = d->tenant_id, provider = provider_id;
        std::string reason = failed_reason.value_or("");
        soci::indicator reason_ind = failed_reason ? soci::i_ok : soci::i_null;
        soci::indicator decided_ind = failed_reason ? soci::i_ok : soci::i_null;
        sql << "INSERT INTO applications (dps_id, lot_id, tenant_id, provider_org_id, status, checks, reason, submitted_at, decided_at, "
               "updated_at) VALUES (:d, :l, :t, :p, :s, :c, :r, :at, :dec, :upd) RETURNING id",
            soci::use(dps_key), soci::use(lot_key), soci::use(tenant), soci::use(provider), soci::use(status), soci::use(checks_text),
            soci::use(reason, reason_ind), soci::use(at), soci::use(at, decided_ind), soci::use(at), soci::into(id);
        detail::record_decision(sql, *d, std::nullopt, provider_id, "application", id, "apply", std::nullopt, "submitted", std::nullopt,
                                by, clock_);
        if (failed_reason)
            detail::record_decision(sql, *d, std::nullopt, provider_id, "application", id, "reject", std::string{"submitted"},
                                    "rejected", failed_reason, acting{nullptr, by.request_id, "system"}, clock_);
        return *load_application(sql, id);
    });
}

result<std::vector<application>> dps_service::applications(const acting& by, std::int64_t dps_id, const std::optional<std::string>& status)
{
    return db_.transact_value<std::vector<application>>(by.data_scope(), [&](soci::session& sql) -> result<std::vector<application>> {
        auto d = detail::load_dps(sql, dps_id);
        if (!d || !detail::visible_to(*d, by)) return not_found("DPS");
        long long key = dps_id;
        if (by.caller && by.caller->is_operator()) return forbidden("operators read no business data: applications are the lead's and the applicant's");
        const bool lead = !by.caller || by.caller->tenant_id == d->tenant_id;
        const bool provider = by.caller && by.caller->provider_org_id;
        long long viewer = 0;
        std::string filter;
        if (provider) {
            viewer = *by.caller->provider_org_id;
            filter = "AND a.provider_org_id = :v ";
        } else if (!lead) {
            viewer = by.caller->tenant_id.value_or(0);
            // A partner sees admissions on the lots it joined under a live agreement (RLS says the same).
            filter = "AND a.status = 'admitted' AND EXISTS (SELECT 1 FROM agreement_lots al JOIN access_agreements ag ON ag.id = al.agreement_id "
                     "WHERE al.lot_id = a.lot_id AND al.dropped_on IS NULL AND ag.status IN ('active', 'notice_given') "
                     "AND ag.partner_tenant_id = :v) ";
        } else {
            filter = "AND a.provider_org_id <> :v "; // viewer 0: every provider
        }
        std::vector<application> out;
        soci::rowset<soci::row> rows = (sql.prepare << kApplicationSelect << "WHERE a.dps_id = :d " << filter << "ORDER BY a.id",
                                        soci::use(key), soci::use(viewer));
        for (const auto& r : rows) {
            auto a = application_from(r);
            if (!status || a.status == *status) out.push_back(std::move(a));
        }
        return out;
    });
}

result<application> dps_service::get_application(const acting& by, std::int64_t application_id)
{
    return db_.transact_value<application>(by.data_scope(), [&](soci::session& sql) -> result<application> {
        auto a = load_application(sql, application_id);
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
    if (in.effective_on && !detail::valid_date(*in.effective_on)) return invalid("effective_on", plugins::service_date_rule());
    if (auto settled = settle(); !settled) return settled.err();
    const std::string today = london_date(clock_.now());
    // A suspension takes effect when it is recorded (it may be back-dated); scheduling one for a
    // later date is not supported, so it is refused rather than applied early.
    if (in.effective_on && *in.effective_on > today)
        return invalid("effective_on", "a suspension starts today or earlier; record it on the day it begins");
    return db_.transact_value<application>(by.data_scope(), [&](soci::session& sql) -> result<application> {
        auto a = load_application(sql, application_id);
        if (!a) return not_found("application");
        auto d = detail::load_dps(sql, a->dps_id);
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
        long long key = a->id;
        const std::string reason_v = reason.value_or(""), evidence_v = evidence.value_or(""), from_v = suspended_from.value_or("");
        soci::indicator reason_i = reason ? soci::i_ok : soci::i_null, evidence_i = evidence ? soci::i_ok : soci::i_null,
                        from_i = suspended_from ? soci::i_ok : soci::i_null;
        sql << "UPDATE applications SET status = :s, reason = :r, evidence_required = :e, suspended_from = :f, decided_at = :at, "
               "updated_at = :at2 WHERE id = :id",
            soci::use(*to), soci::use(reason_v, reason_i), soci::use(evidence_v, evidence_i), soci::use(from_v, from_i), soci::use(at),
            soci::use(at), soci::use(key);
        detail::record_decision(sql, *d, std::nullopt, a->provider_org_id, "application", a->id, in.action, a->status, *to, reason, by,
                                clock_);
        return *load_application(sql, a->id);
    });
}

result<std::vector<decision>> dps_service::history(const acting& by, const std::string& entity_type, std::int64_t entity_id)
{
    return db_.transact_value<std::vector<decision>>(by.data_scope(), [&](soci::session& sql) -> result<std::vector<decision>> {
        std::vector<decision> out;
        long long key = entity_id;
        soci::rowset<soci::row> rows =
            (sql.prepare << "SELECT id, entity_type, entity_id, action, from_status, to_status, reason, actor, decided_at "
                            "FROM dps_decisions WHERE entity_type = :t AND entity_id = :e ORDER BY id",
             soci::use(entity_type), soci::use(key));
        for (const auto& r : rows)
            out.push_back({db::int_at(r, 0), db::int_at(r, 2), db::text_at(r, 1), db::text_at(r, 3), db::opt_text_at(r, 4),
                           db::text_at(r, 5), db::opt_text_at(r, 6), db::text_at(r, 7), db::text_at(r, 8)});
        return out;
    });
}

result<std::optional<auth::owner>> dps_service::dps_owner(std::int64_t dps_id, const db::scope& as)
{
    return db_.transact_value<std::optional<auth::owner>>(as, [&](soci::session& sql) -> result<std::optional<auth::owner>> {
        auto d = detail::load_dps(sql, dps_id);
        if (!d) return std::optional<auth::owner>{};
        return std::optional<auth::owner>{auth::owner{d->tenant_id, std::nullopt, std::nullopt, std::nullopt}};
    });
}

result<std::optional<auth::owner>> dps_service::application_owner(std::int64_t application_id, const db::scope& as)
{
    return db_.transact_value<std::optional<auth::owner>>(as, [&](soci::session& sql) -> result<std::optional<auth::owner>> {
        auto a = load_application(sql, application_id);
        if (!a) return std::optional<auth::owner>{};
        return std::optional<auth::owner>{auth::owner{a->tenant_id, a->provider_org_id, std::nullopt, std::nullopt}};
    });
}

} // namespace dps::purchasing
