// Builds the identity fixture through the identity service (the same path the API uses).
#include "support/identity_fixture.hpp"

#include "rules/rules_service.hpp"

#include <boost/json.hpp>

#include <stdexcept>

namespace dps::test {

const char* const kPluginA = R"lua(
local plugin = {}
function plugin.annual_fee(lot, agreement) return 100000 end
function plugin.termination_notice(agreement) return 3 end
return plugin
)lua";
const char* const kFixturesA =
    R"({"cases":[{"name":"fee","hook":"annual_fee","args":[{"code":"lot1"},{}],"expect":100000},)"
    R"({"name":"notice","hook":"termination_notice","args":[{}],"expect":3}]})";

namespace {

template <class T>
T must(result<T> r, const char* what)
{
    if (!r) throw std::runtime_error(std::string{what} + ": " + r.err().message + " " + r.err().detail);
    return std::move(*r);
}

} // namespace

identity_fixture::identity_fixture(std::shared_ptr<const clock> now) : platform({}, {}, std::move(now))
{
    auto& ids = identity();
    const identity::acting cli{nullptr, "fixture"};
    tenant_a = must(ids.create_tenant(cli, "council-a", "Council A", "council"), "tenant A");
    tenant_b = must(ids.create_tenant(cli, "council-b", "Council B", "council"), "tenant B");
    provider_p = must(ids.create_provider(cli, {0, "Provider P Ltd", "11111111", std::nullopt, "SC111111", "", ""}), "provider P");
    provider_q = must(ids.create_provider(cli, {0, "Provider Q Ltd", "22222222", std::nullopt, std::nullopt, "", ""}), "provider Q");

    auto add = [&](const std::string& key, result<identity::user> u) {
        auto created = must(std::move(u), key.c_str());
        auto token = must(ids.issue_token(cli, created.id, "test", 30), "token");
        members[key] = member{created, token.secret};
    };
    add("operator", ids.create_operator(cli, {"operator@test.example", "Operator", std::nullopt, {}}));
    for (const char* role : {"tenant_admin", "commissioner", "approver", "contract_manager", "finance", "auditor"}) {
        const std::string authority = std::string{role} == "approver" ? "director_childrens_services" : "";
        auto grant = must(identity::validate_grant(auth::principal_kind::council, role, authority), role);
        add(std::string{"A:"} + role,
            ids.create_council_user(cli, tenant_a.id, {std::string{role} + "@a.example", role, std::nullopt, {grant}}));
    }
    for (const char* role : {"tenant_admin", "commissioner"}) {
        auto grant = must(identity::validate_grant(auth::principal_kind::council, role, ""), role);
        add(std::string{"B:"} + role, ids.create_council_user(cli, tenant_b.id, {std::string{role} + "@b.example", role, std::nullopt, {grant}}));
    }
    for (const char* role : {"provider_admin", "bidder"}) {
        auto grant = must(identity::validate_grant(auth::principal_kind::provider, role, ""), role);
        add(std::string{"P:"} + role,
            ids.create_provider_user(cli, provider_p.id, {std::string{role} + "@p.example", role, std::nullopt, {grant}}));
    }
    auto admin = must(identity::validate_grant(auth::principal_kind::provider, "provider_admin", ""), "grant");
    add("Q:provider_admin", ids.create_provider_user(cli, provider_q.id, {"provider_admin@q.example", "Q admin", std::nullopt, {admin}}));

    // Council A runs a small plugin (version 1), so its plugin routes have something to show.
    must(platform.app().rules().upload(cli, tenant_a.id, kPluginA, boost::json::parse(kFixturesA), "council-a/plugin.lua"),
         "plugin A");
}

std::string identity_fixture::fresh_token(const std::string& key)
{
    const identity::acting cli{nullptr, "fixture"};
    return must(identity().issue_token(cli, members.at(key).who.id, "test", 30), "token").secret;
}

} // namespace dps::test
