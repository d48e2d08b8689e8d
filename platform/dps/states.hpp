// The vocabulary of stage one: every status and action of a DPS, a provider's application and an
// access agreement, as enums with their one text form (core/vocabulary.hpp). The words are the
// API's and the schema's (CHECK (status IN …)); tests/unit/lifecycle_test.cpp holds the three
// equal. The moves between them: dps/lifecycles.hpp.
#pragma once

#include "core/vocabulary.hpp"

#include <array>
#include <span>

namespace dps::purchasing {

enum class dps_status { draft, open, suspended, expired, closed };
enum class dps_action { open, suspend, reopen, expire, close };
enum class application_status { submitted, admitted, rejected, withdrawn, suspended, removed };
enum class application_action { admit, reject, withdraw, suspend, reinstate, remove };
enum class agreement_status { requested, active, declined, notice_given, terminated, withdrawn };
enum class agreement_action { accept, decline, withdraw, give_notice, terminate, expire };

inline constexpr auto kDpsStatusNames = [] {
    using enum dps_status;
    return std::array<named<dps_status>, 5>{{
        {draft, "draft"}, {open, "open"}, {suspended, "suspended"}, {expired, "expired"}, {closed, "closed"}
    }};
}();
inline constexpr auto kDpsActionNames = [] {
    using enum dps_action;
    return std::array<named<dps_action>, 5>{{
        {open, "open"}, {suspend, "suspend"}, {reopen, "reopen"}, {expire, "expire"}, {close, "close"}
    }};
}();
inline constexpr auto kApplicationStatusNames = [] {
    using enum application_status;
    return std::array<named<application_status>, 6>{{
        {submitted, "submitted"}, {admitted, "admitted"}, {rejected, "rejected"}, {withdrawn, "withdrawn"},
        {suspended, "suspended"}, {removed, "removed"}
    }};
}();
inline constexpr auto kApplicationActionNames = [] {
    using enum application_action;
    return std::array<named<application_action>, 6>{{
        {admit, "admit"}, {reject, "reject"}, {withdraw, "withdraw"}, {suspend, "suspend"}, {reinstate, "reinstate"},
        {remove, "remove"}
    }};
}();
inline constexpr auto kAgreementStatusNames = [] {
    using enum agreement_status;
    return std::array<named<agreement_status>, 6>{{
        {requested, "requested"}, {active, "active"}, {declined, "declined"}, {notice_given, "notice_given"},
        {terminated, "terminated"}, {withdrawn, "withdrawn"}
    }};
}();
inline constexpr auto kAgreementActionNames = [] {
    using enum agreement_action;
    return std::array<named<agreement_action>, 6>{{
        {accept, "accept"}, {decline, "decline"}, {withdraw, "withdraw"}, {give_notice, "give_notice"},
        {terminate, "terminate"}, {expire, "expire"}
    }};
}();

constexpr std::span<const named<dps_status>> names(dps_status) { return kDpsStatusNames; }
constexpr std::span<const named<dps_action>> names(dps_action) { return kDpsActionNames; }
constexpr std::span<const named<application_status>> names(application_status) { return kApplicationStatusNames; }
constexpr std::span<const named<application_action>> names(application_action) { return kApplicationActionNames; }
constexpr std::span<const named<agreement_status>> names(agreement_status) { return kAgreementStatusNames; }
constexpr std::span<const named<agreement_action>> names(agreement_action) { return kAgreementActionNames; }

} // namespace dps::purchasing
