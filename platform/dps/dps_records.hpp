// Values of stage one of a DPS: the DPS, its lots, provider profiles, applications, decisions.
#pragma once

#include "dps/states.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace dps::purchasing {

struct dps_system {
    std::int64_t id = 0;
    std::int64_t tenant_id = 0; // the lead council
    std::string title, category, regime, term_starts_on, term_ends_on, latest_end_on;
    dps_status status = dps_status::draft;
    std::string created_at, updated_at;
};

struct lot {
    std::int64_t id = 0, dps_id = 0, tenant_id = 0;
    std::string code, name, description;
    boost::json::object requirements; // regulator, minimum_rating, living_wage, public_liability_pence, …
};

struct provider_profile {
    std::int64_t id = 0;
    std::string name, status;
    std::optional<std::string> companies_house_number, cqc_provider_id, cqc_location_id, cqc_rating, cqc_inspected_on,
        ofsted_urn, ofsted_rating, ofsted_inspected_on, insurance_expires_on, living_wage_commitment, contact_email, contact_phone;
};

struct application {
    std::int64_t id = 0, dps_id = 0, lot_id = 0, tenant_id = 0, provider_org_id = 0;
    std::string lot_code, provider_name;
    application_status status = application_status::submitted;
    boost::json::array checks; // [{criterion, passed, detail}]
    std::optional<std::string> reason, evidence_required, suspended_from, decided_at;
    std::string submitted_at, updated_at;
};

struct decision {
    std::int64_t id = 0, entity_id = 0;
    std::string entity_type, action;
    std::optional<std::string> from_status;
    std::string to_status;
    std::optional<std::string> reason;
    std::string actor, decided_at;
};

boost::json::value to_json(const dps_system& d);
boost::json::value to_json(const lot& l);
boost::json::value to_json(const provider_profile& p);
boost::json::value to_json(const application& a);
boost::json::value to_json(const decision& d);

} // namespace dps::purchasing
