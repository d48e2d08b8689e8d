// Demo data for a first run (tenants/demo-seed.json): councils, providers, one user per role, and
// fresh API tokens for each, so that a new user can call the API at once. Safe to run again:
// what exists is kept, and the previous demo tokens are revoked and replaced.
#pragma once

#include "core/result.hpp"

#include <boost/json/object.hpp>

#include <string>

namespace dps::identity { class identity_service; }

namespace dps::app {

// Returns {"operator": TOKEN, "newham": {"commissioner": TOKEN, …}, …, "providers": {"riverside": {…}}}.
result<boost::json::object> seed_demo(identity::identity_service& identity, const std::string& seed_file);

} // namespace dps::app
