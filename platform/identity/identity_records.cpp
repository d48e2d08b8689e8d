// JSON shapes of identity records, as the API returns them.
#include "identity/identity_records.hpp"

#include <boost/json.hpp>

namespace dps::identity {
namespace {

boost::json::value opt(const std::optional<std::string>& v) { return v ? boost::json::value(*v) : boost::json::value(nullptr); }
boost::json::value opt(const std::optional<std::int64_t>& v) { return v ? boost::json::value(*v) : boost::json::value(nullptr); }

} // namespace

boost::json::value to_json(const tenant& t)
{
    return {{"id", t.id}, {"slug", t.slug}, {"name", t.name}, {"kind", t.kind}, {"status", t.status}, {"created_at", t.created_at}};
}

boost::json::value to_json(const provider_org& p)
{
    return {{"id", p.id},
            {"name", p.name},
            {"companies_house_number", opt(p.companies_house_number)},
            {"cqc_provider_id", opt(p.cqc_provider_id)},
            {"ofsted_urn", opt(p.ofsted_urn)},
            {"status", p.status},
            {"created_at", p.created_at}};
}

boost::json::value to_json(const auth::role_grant& g)
{
    boost::json::object o{{"id", g.id}, {"role", auth::to_string(g.granted)}};
    if (!g.authority.empty()) o["authority"] = g.authority;
    return o;
}

boost::json::value to_json(const user& u)
{
    boost::json::array roles;
    for (const auto& g : u.roles) roles.push_back(to_json(g));
    return {{"id", u.id},
            {"kind", auth::to_string(u.kind)},
            {"tenant_id", opt(u.tenant_id)},
            {"provider_org_id", opt(u.provider_org_id)},
            {"email", u.email},
            {"display_name", u.display_name},
            {"status", u.status},
            {"roles", std::move(roles)},
            {"created_at", u.created_at}};
}

boost::json::value to_json(const token_info& t)
{
    return {{"id", t.id},         {"user_id", t.user_id},       {"kind", t.kind},
            {"label", t.label},   {"created_at", t.created_at}, {"expires_at", t.expires_at},
            {"revoked_at", opt(t.revoked_at)}};
}

boost::json::value to_json(const caller_view& v)
{
    return {{"user", to_json(v.who)},
            {"tenant", v.own_tenant ? to_json(*v.own_tenant) : boost::json::value(nullptr)},
            {"provider_organisation", v.own_provider ? to_json(*v.own_provider) : boost::json::value(nullptr)}};
}

} // namespace dps::identity
