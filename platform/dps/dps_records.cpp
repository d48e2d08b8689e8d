// JSON shapes of stage-one records, as the API returns them.
#include "dps/dps_records.hpp"

#include <boost/json.hpp>

namespace dps::purchasing {
namespace {

boost::json::value opt(const std::optional<std::string>& v) { return v ? boost::json::value(*v) : boost::json::value(nullptr); }

} // namespace

boost::json::value to_json(const dps_system& d)
{
    return {{"id", d.id},
            {"lead_tenant_id", d.tenant_id},
            {"title", d.title},
            {"category", d.category},
            {"regime", d.regime},
            {"term_starts_on", d.term_starts_on},
            {"term_ends_on", d.term_ends_on},
            {"latest_end_on", d.latest_end_on},
            {"status", to_text(d.status)},
            {"created_at", d.created_at},
            {"updated_at", d.updated_at}};
}

boost::json::value to_json(const lot& l)
{
    return {{"id", l.id}, {"dps_id", l.dps_id}, {"code", l.code}, {"name", l.name}, {"description", l.description},
            {"requirements", l.requirements}};
}

boost::json::value to_json(const provider_profile& p)
{
    return {{"id", p.id},
            {"name", p.name},
            {"status", p.status},
            {"companies_house_number", opt(p.companies_house_number)},
            {"cqc_provider_id", opt(p.cqc_provider_id)},
            {"cqc_location_id", opt(p.cqc_location_id)},
            {"cqc_rating", opt(p.cqc_rating)},
            {"cqc_inspected_on", opt(p.cqc_inspected_on)},
            {"ofsted_urn", opt(p.ofsted_urn)},
            {"ofsted_rating", opt(p.ofsted_rating)},
            {"ofsted_inspected_on", opt(p.ofsted_inspected_on)},
            {"insurance_expires_on", opt(p.insurance_expires_on)},
            {"living_wage_commitment", opt(p.living_wage_commitment)},
            {"contact_email", opt(p.contact_email)},
            {"contact_phone", opt(p.contact_phone)}};
}

boost::json::value to_json(const application& a)
{
    return {{"id", a.id},
            {"dps_id", a.dps_id},
            {"lot_id", a.lot_id},
            {"lot_code", a.lot_code},
            {"lead_tenant_id", a.tenant_id},
            {"provider_org_id", a.provider_org_id},
            {"provider_name", a.provider_name},
            {"status", to_text(a.status)},
            {"checks", a.checks},
            {"reason", opt(a.reason)},
            {"evidence_required", opt(a.evidence_required)},
            {"suspended_from", opt(a.suspended_from)},
            {"submitted_at", a.submitted_at},
            {"decided_at", opt(a.decided_at)},
            {"updated_at", a.updated_at}};
}

boost::json::value to_json(const decision& d)
{
    return {{"id", d.id},          {"entity_type", d.entity_type}, {"entity_id", d.entity_id},    {"action", d.action},
            {"from", opt(d.from_status)}, {"to", d.to_status},     {"reason", opt(d.reason)},     {"actor", d.actor},
            {"decided_at", d.decided_at}};
}

} // namespace dps::purchasing
