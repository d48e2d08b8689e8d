// Values of access agreements: the agreement, its lots and fee years, and a council's spend authority.
#pragma once

#include "dps/states.hpp"

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dps::purchasing {

struct agreement_lot {
    std::int64_t id = 0, lot_id = 0;
    std::string lot_code;
    std::int64_t annual_fee_pence = 0;
    std::string joined_on;
    std::optional<std::string> dropped_on;
};

struct agreement_fee {
    std::int64_t id = 0;
    std::string year_starts_on, year_ends_on;
    std::int64_t amount_pence = 0;
    std::string due_on;
    std::optional<std::string> paid_on;
};

struct access_agreement {
    std::int64_t id = 0, dps_id = 0, lead_tenant_id = 0, partner_tenant_id = 0;
    agreement_status status = agreement_status::requested;
    std::string starts_on, ends_on;
    std::optional<std::string> notice_given_on, notice_given_by, effective_end_on;
    std::string created_at, updated_at;
    std::vector<agreement_lot> lots;
    std::vector<agreement_fee> fees;
};

struct spend_authority {
    std::int64_t id = 0, tenant_id = 0, dps_id = 0, limit_pence = 0;
    std::string starts_on, ends_on;
    std::optional<std::string> approved_by;
    std::string created_at;
};

boost::json::value to_json(const access_agreement& a);
boost::json::value to_json(const spend_authority& s);

} // namespace dps::purchasing
