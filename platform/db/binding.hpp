// Binding optional values to SOCI statements as SQL NULL, the same way in every store.
#pragma once

#include <soci/soci.h>

#include <cstdint>
#include <optional>

namespace dps::db {

inline soci::indicator indicator(bool present) { return present ? soci::i_ok : soci::i_null; }

// An optional integer (an amount in pence, hours, an id) bound as its value or NULL:
// `db::nullable rate{b.hourly_rate_pence}; sql << …, soci::use(rate.v, rate.i);`
struct nullable {
    long long v = 0;
    soci::indicator i = soci::i_null;
    explicit nullable(const std::optional<std::int64_t>& o) : v(o.value_or(0)), i(indicator(o.has_value())) {}
};

} // namespace dps::db
