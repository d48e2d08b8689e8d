// Demo data for a first run (tenants/demo-seed.json): councils, providers, one user per role, and
// fresh API tokens for each, so that a new user can call the API at once. Safe to run again:
// what exists is kept, and the previous demo tokens are revoked and replaced.
#pragma once

#include "core/result.hpp"

#include <boost/json/object.hpp>

#include <string>

namespace dps::identity { class identity_service; }
namespace dps::rules { class rules_service; }

namespace dps::app {

// Returns {"operator": TOKEN, "newham": {"commissioner": TOKEN, …}, …, "providers": {"riverside": {…}}}.
// Each council's plugin comes from tenants/<slug>/plugin.lua with its fixtures.json, uploaded as
// version 1 (validated like any upload) when the council has no active plugin yet.
result<boost::json::object> seed_demo(identity::identity_service& identity, rules::rules_service& rules, const std::string& seed_file);

} // namespace dps::app
