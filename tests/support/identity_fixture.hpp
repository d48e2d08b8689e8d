// A populated platform for identity and access tests: two councils (A, B), two providers (P, Q),
// an operator, and a user with a live token for every role.
#pragma once

#include "identity/identity_service.hpp"
#include "support/test_platform.hpp"

#include <map>
#include <string>

namespace dps::test {

// Council A's plugin, uploaded by the fixture as version 1, and its fixtures.
extern const char* const kPluginA;
extern const char* const kFixturesA;

struct member {
    identity::user who;
    std::string token;
};

class identity_fixture {
public:
    explicit identity_fixture(std::shared_ptr<const clock> now = nullptr);
    test_platform platform;
    identity::tenant tenant_a, tenant_b;
    identity::provider_org provider_p, provider_q;
    // Keys: "operator", "A:tenant_admin" … "A:auditor", "B:tenant_admin", "B:commissioner",
    // "P:provider_admin", "P:bidder", "Q:provider_admin".
    std::map<std::string, member> members;

    identity::identity_service& identity() { return platform.app().identity(); }
    // A fresh token for a member (for tests that spend tokens, e.g. logout).
    std::string fresh_token(const std::string& key);
    std::string bearer(const std::string& key) { return "Bearer " + members.at(key).token; }
};

} // namespace dps::test
