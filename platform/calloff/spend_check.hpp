// The spend authority check shared by awards, variations and uplifts: a council's committed spend
// (the values of its contracts starting in an authority's period) may never exceed the authority.
// The caller holds the council's tenant row lock, so concurrent checks cannot share one headroom.
#pragma once

#include "core/result.hpp"
#include "plugins/plugin_types.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace soci { class session; }

namespace dps::calloff::store {

struct authority_period {
    std::int64_t limit_pence = 0;
    std::string from, to;               // inclusive dates
    std::optional<std::int64_t> dps_id; // a recorded authority is for one DPS; the plugin's covers them all
};

// The authorities a contract starting on `starts_on` must fit: those recorded for the DPS and the
// one the council's plugin declares, each only if its period covers the start.
std::vector<authority_period> authorities_for(soci::session& sql, std::int64_t tenant_id, std::int64_t dps_id,
                                              const std::string& starts_on,
                                              const std::optional<plugins::spend_authority>& declared);

// Refuses an increase of `value` that would take committed spend past any authority (409
// spend_authority_exceeded, saying how much headroom is left). `what` names the act ("an award").
status within_authority(soci::session& sql, std::int64_t tenant_id, std::int64_t value,
                        const std::vector<authority_period>& authorities, const std::string& what = "an award");

} // namespace dps::calloff::store
