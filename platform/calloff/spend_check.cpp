// Committed spend against each spend authority, in the caller's transaction. The recorded
// authorities are the access-agreement module's (read through its store); the sums are contracts'.
#include "calloff/spend_check.hpp"

#include "calloff/contract_store.hpp"
#include "core/money.hpp"
#include "dps/agreement_store.hpp"

namespace dps::calloff::store {

std::vector<authority_period> authorities_for(soci::session& sql, std::int64_t tenant_id, std::int64_t dps_id,
                                              const std::string& starts_on, const std::optional<plugins::spend_authority>& declared)
{
    std::vector<authority_period> out;
    for (const auto& s : purchasing::store::spend_authorities_of(sql, dps_id, tenant_id))
        if (s.starts_on <= starts_on && starts_on <= s.ends_on) out.push_back({s.limit_pence, s.starts_on, s.ends_on, dps_id});
    if (declared && declared->from <= starts_on && starts_on <= declared->to)
        out.push_back({declared->limit_pence, declared->from, declared->to, std::nullopt});
    return out;
}

status within_authority(soci::session& sql, std::int64_t tenant_id, std::int64_t value, const std::vector<authority_period>& authorities,
                        const std::string& what)
{
    for (const auto& a : authorities) {
        const std::int64_t used = committed_spend(sql, tenant_id, a.dps_id, a.from, a.to), headroom = a.limit_pence - used;
        if (used + value > a.limit_pence)
            return make_error(error_kind::conflict, "spend_authority_exceeded",
                              what + " of " + money::pounds(value) + " would take committed spend to " + money::pounds(used + value) +
                                  ", above the spend authority of " + money::pounds(a.limit_pence) + " for " + a.from + " to " + a.to +
                                  "; headroom left: " + money::pounds(headroom < 0 ? 0 : headroom) + " (" +
                                  std::to_string(headroom < 0 ? 0 : headroom) + " pence)");
    }
    return ok_status();
}

} // namespace dps::calloff::store
