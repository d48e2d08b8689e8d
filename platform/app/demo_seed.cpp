// Reads the seed file and creates what is missing through the identity service (so it is audited).
#include "app/demo_seed.hpp"

#include "identity/identity_service.hpp"
#include "rules/rules_service.hpp"

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace dps::app {
namespace {

using identity::acting;

std::string str(const boost::json::value& v, const char* key)
{
    const auto* o = v.if_object();
    if (!o) return {};
    auto it = o->find(key);
    if (it == o->end() || !it->value().is_string()) return {};
    return std::string{it->value().as_string()};
}

std::optional<std::string> opt(const boost::json::value& v, const char* key)
{
    auto s = str(v, key);
    if (s.empty()) return std::nullopt;
    return s;
}

// Finds the user by email or creates it with the given roles.
result<identity::user> ensure_user(identity::identity_service& ids, const acting& cli, const identity::new_user& input,
                                   std::optional<std::int64_t> tenant_id, std::optional<std::int64_t> provider_id)
{
    if (auto existing = ids.find_user_by_email(cli, input.email)) return existing;
    if (tenant_id) return ids.create_council_user(cli, *tenant_id, input);
    if (provider_id) return ids.create_provider_user(cli, *provider_id, input);
    return ids.create_operator(cli, input);
}

std::optional<std::string> read_file(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// Uploads tenants/<slug>/plugin.lua as the council's first version, if it has none.
status ensure_plugin(rules::rules_service& rules, const acting& cli, std::int64_t tenant_id, const std::string& slug,
                     const std::filesystem::path& tenants_dir)
{
    if (rules.active(cli, tenant_id)) return ok_status();
    const auto dir = tenants_dir / slug;
    auto source = read_file(dir / "plugin.lua");
    auto fixtures = read_file(dir / "fixtures.json");
    if (!source || !fixtures) return ok_status(); // no shipped plugin: the platform's defaults apply
    boost::system::error_code ec;
    auto parsed = boost::json::parse(*fixtures, ec);
    if (ec) return make_error(error_kind::bad_request, "bad_seed", (dir / "fixtures.json").string() + ": " + ec.message());
    auto uploaded = rules.upload(cli, tenant_id, *source, parsed, "tenants/" + slug + "/plugin.lua");
    if (!uploaded) return uploaded.err();
    return ok_status();
}

result<std::string> fresh_token(identity::identity_service& ids, const acting& cli, std::int64_t user_id)
{
    if (auto s = ids.revoke_labelled_tokens(cli, user_id, "demo"); !s) return s.err();
    auto t = ids.issue_token(cli, user_id, "demo", 30);
    if (!t) return t.err();
    return t->secret;
}

} // namespace

result<boost::json::object> seed_demo(identity::identity_service& ids, rules::rules_service& rules, const std::string& seed_file)
{
    std::ifstream in(seed_file);
    if (!in) return make_error(error_kind::bad_request, "bad_seed", "cannot read " + seed_file);
    std::stringstream text;
    text << in.rdbuf();
    boost::system::error_code ec;
    auto seed = boost::json::parse(text.str(), ec);
    if (ec || !seed.is_object()) return make_error(error_kind::bad_request, "bad_seed", seed_file + " is not a JSON object");

    const acting cli{nullptr, "seed-demo"};
    boost::json::object tokens;

    auto op = ensure_user(ids, cli, {str(seed.at("operator"), "email"), str(seed.at("operator"), "display_name"), std::nullopt, {}},
                          std::nullopt, std::nullopt);
    if (!op) return op.err();
    auto op_token = fresh_token(ids, cli, op->id);
    if (!op_token) return op_token.err();
    tokens["operator"] = *op_token;

    for (const auto& council : seed.at("councils").as_array()) {
        const auto slug = str(council, "slug");
        std::int64_t tenant_id = 0;
        auto all = ids.list_tenants(cli);
        if (!all) return all.err();
        for (const auto& t : *all)
            if (t.slug == slug) tenant_id = t.id;
        if (tenant_id == 0) {
            auto created = ids.create_tenant(cli, slug, str(council, "name"), "council");
            if (!created) return created.err();
            tenant_id = created->id;
        }
        if (auto s = ensure_plugin(rules, cli, tenant_id, slug, std::filesystem::path(seed_file).parent_path()); !s) return s.err();
        boost::json::object council_tokens;
        for (const auto& role_name : seed.at("council_roles").as_array()) {
            const std::string role{role_name.as_string()};
            const std::string authority = role == "approver" ? str(council, "approver_authority") : "";
            auto grant = identity::validate_grant(auth::principal_kind::council, role, authority);
            if (!grant) return grant.err();
            auto u = ensure_user(ids, cli, {role + "@" + slug + ".demo", str(council, "name") + " " + role, std::nullopt, {*grant}},
                                 tenant_id, std::nullopt);
            if (!u) return u.err();
            auto t = fresh_token(ids, cli, u->id);
            if (!t) return t.err();
            council_tokens[role] = *t;
        }
        // Councils whose approval routes name several authorities get one approver for each.
        if (const auto* more = council.as_object().if_contains("more_approvers")) {
            for (const auto& authority_name : more->as_array()) {
                const std::string authority{authority_name.as_string()};
                auto grant = identity::validate_grant(auth::principal_kind::council, "approver", authority);
                if (!grant) return grant.err();
                auto u = ensure_user(ids, cli, {"approver-" + authority + "@" + slug + ".demo", str(council, "name") + " " + authority,
                                                std::nullopt, {*grant}},
                                     tenant_id, std::nullopt);
                if (!u) return u.err();
                auto t = fresh_token(ids, cli, u->id);
                if (!t) return t.err();
                council_tokens["approver:" + authority] = *t;
            }
        }
        tokens[slug] = std::move(council_tokens);
    }

    boost::json::object provider_tokens;
    for (const auto& provider : seed.at("providers").as_array()) {
        const auto key = str(provider, "key");
        identity::provider_org input;
        input.name = str(provider, "name");
        input.companies_house_number = opt(provider, "companies_house_number");
        input.cqc_provider_id = opt(provider, "cqc_provider_id");
        input.ofsted_urn = opt(provider, "ofsted_urn");
        std::int64_t provider_id = 0;
        // The provider admin's email identifies an already-seeded organisation.
        if (auto admin = ids.find_user_by_email(cli, "provider_admin@" + key + ".demo"); admin && admin->provider_org_id) {
            provider_id = *admin->provider_org_id;
        } else {
            auto created = ids.create_provider(cli, input);
            if (!created) return created.err();
            provider_id = created->id;
        }
        boost::json::object these;
        for (const auto& role_name : seed.at("provider_roles").as_array()) {
            const std::string role{role_name.as_string()};
            auto grant = identity::validate_grant(auth::principal_kind::provider, role, "");
            if (!grant) return grant.err();
            auto u = ensure_user(ids, cli, {role + "@" + key + ".demo", input.name + " " + role, std::nullopt, {*grant}}, std::nullopt,
                                 provider_id);
            if (!u) return u.err();
            auto t = fresh_token(ids, cli, u->id);
            if (!t) return t.err();
            these[role] = *t;
        }
        these["provider_id"] = provider_id;
        provider_tokens[key] = std::move(these);
    }
    tokens["providers"] = std::move(provider_tokens);

    // One person with a password, to show POST /v1/sessions.
    const auto& login = seed.at("password_user");
    auto person = ids.find_user_by_email(cli, str(login, "email"));
    if (!person) return person.err();
    if (auto s = ids.set_password(cli, person->id, str(login, "password")); !s) return s.err();
    tokens["password_login"] = boost::json::object{{"email", str(login, "email")}, {"password", str(login, "password")}};
    return tokens;
}

} // namespace dps::app
