// GET /v1/openapi.json and /v1/openapi.yaml: the document the server serves is docs/openapi.yaml,
// and it describes exactly the routes the server registered (scripts/lint-openapi checks the same
// against the source; this checks the running binary). Answers are validated against the
// document's schemas by tests/ops/openapi_answers.py.
#include "support/https_client.hpp"
#include "support/test_platform.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

using namespace dps;

namespace {

std::string read_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string upper(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return text;
}

} // namespace

TEST(ApiDocument, DescribesExactlyTheRoutesTheServerRegistered)
{
    test::test_platform platform;
    test::https_client client(platform.port());
    auto reply = client.get("/v1/openapi.json");
    ASSERT_EQ(reply.status, 200);
    EXPECT_EQ(reply.header("content-type"), "application/json");
    const auto doc = reply.json();
    EXPECT_EQ(doc.at("openapi").as_string(), "3.1.0");

    std::set<std::string> documented;
    for (const auto& [path, item] : doc.at("paths").as_object())
        for (const auto& [method, operation] : item.as_object())
            if (operation.is_object() && operation.as_object().contains("responses"))
                documented.insert(upper(std::string{method}) + " " + std::string{path});
    std::set<std::string> registered;
    for (const auto& r : platform.app().routes().routes()) registered.insert(r.method + " " + r.pattern);

    for (const auto& route : registered) EXPECT_TRUE(documented.count(route)) << route << " is served but not documented";
    for (const auto& route : documented) EXPECT_TRUE(registered.count(route)) << route << " is documented but not served";
    EXPECT_GT(registered.size(), 70u);
}

TEST(ApiDocument, YamlIsTheDocumentInTheSourceTree)
{
    test::test_platform platform;
    test::https_client client(platform.port());
    auto reply = client.get("/v1/openapi.yaml");
    ASSERT_EQ(reply.status, 200);
    EXPECT_EQ(reply.header("content-type"), "application/yaml");
    EXPECT_EQ(reply.body, read_file(std::string{DPS_SOURCE_DIR} + "/docs/openapi.yaml"));
}

TEST(ApiDocument, AnETagThatMatchesGetsNotModified)
{
    test::test_platform platform;
    test::https_client client(platform.port());
    for (const char* target : {"/v1/openapi.json", "/v1/openapi.yaml"}) {
        auto first = client.get(target);
        const auto etag = first.header("etag");
        ASSERT_EQ(etag.size(), 34u) << target; // a quoted 32-digit digest
        EXPECT_EQ(first.header("cache-control"), "no-cache");
        auto again = client.get(target, {{"If-None-Match", etag}});
        EXPECT_EQ(again.status, 304) << target;
        EXPECT_TRUE(again.body.empty());
        auto stale = client.get(target, {{"If-None-Match", "\"0000\""}});
        EXPECT_EQ(stale.status, 200) << target;
        EXPECT_EQ(stale.body, first.body);
    }
    EXPECT_NE(client.get("/v1/openapi.json").header("etag"), client.get("/v1/openapi.yaml").header("etag"));
}
