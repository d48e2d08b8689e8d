// Reads tenants/<slug>/ from the source tree (DPS_SOURCE_DIR) and uploads it as the tenant's version.
#include "support/shipped_plugins.hpp"

#include "app/application.hpp"
#include "rules/rules_service.hpp"

#include <boost/json.hpp>

#include <fstream>
#include <sstream>

namespace dps::test {
std::string read_text_file(const std::string& path)
{
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

status upload_shipped_plugin(app::application& app, std::int64_t tenant_id, const std::string& slug)
{
    const std::string dir = std::string{DPS_SOURCE_DIR} + "/tenants/" + slug;
    boost::system::error_code ec;
    auto fixtures = boost::json::parse(read_text_file(dir + "/fixtures.json"), ec);
    if (ec) return make_error(error_kind::bad_request, "bad_fixtures", dir + "/fixtures.json: " + ec.message());
    auto uploaded = app.rules().upload({nullptr, "test"}, tenant_id, read_text_file(dir + "/plugin.lua"), fixtures,
                                       "tenants/" + slug + "/plugin.lua");
    if (!uploaded) return uploaded.err();
    return ok_status();
}

} // namespace dps::test
