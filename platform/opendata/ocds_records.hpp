// What an OCDS release package is built from (issue 12): a DPS with its lead and lots, and the
// call-offs made on it with what they became. Only what open data may show: a call-off by lot,
// category, postcode district and value, never its title, requirements or anything about a child.
#pragma once

#include "calloff/states.hpp"
#include "dps/states.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dps::opendata {

struct party {
    std::int64_t id = 0;
    std::string name;
};

struct dps_facts {
    std::int64_t id = 0;
    party lead;
    std::string title, category, regime, term_starts_on, term_ends_on, created_at, updated_at;
    purchasing::dps_status status = purchasing::dps_status::draft;
    struct lot {
        std::string code, name;
    };
    std::vector<lot> lots;
};

struct call_off_facts {
    std::int64_t id = 0;
    party buyer; // the calling council
    std::string lot_code, published_at, bid_deadline, updated_at;
    calloff::call_off_status status = calloff::call_off_status::open;
    std::string package_text; // the package's JSON: only category and area are read from it
    struct contract {
        std::int64_t id = 0, award_id = 0, value_pence = 0;
        party supplier;
        std::string starts_on, ends_on, created_at;
        calloff::contract_status status = calloff::contract_status::active;
    };
    std::optional<contract> let;
    std::optional<std::int64_t> spot_cost_pence; // closed unfilled: bought outside the DPS
};

struct dps_activity {
    dps_facts dps;
    std::vector<call_off_facts> call_offs;
};

} // namespace dps::opendata
