// Router: path parameters, 404 vs 405 with Allow, JSON bodies (415, 400 with position), handler failures.
#include "http/router.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

using namespace dps::http;

namespace {

request make(std::string method, std::string path, std::string body = {}, std::string content_type = {})
{
    request r;
    r.method = std::move(method);
    r.path = std::move(path);
    r.body = std::move(body);
    r.request_id = "rid-1";
    if (!content_type.empty()) r.headers.emplace_back("content-type", content_type);
    return r;
}

boost::json::value parse(const response& r) { return boost::json::parse(r.body); }

router sample()
{
    router r;
    r.add("GET", "/v1/dps/{dps_id}/lots/{lot}", [](request& req) {
        return response{200, "application/json", req.param("dps_id") + "/" + req.param("lot"), {}, false};
    });
    r.add("POST", "/v1/dps/{dps_id}/lots/{lot}", [](request& req) {
        return response{201, "application/json", boost::json::serialize(req.json), {}, false};
    }, {.body = body_kind::json});
    r.add("GET", "/v1/boom", [](request&) -> response { throw std::runtime_error("secret detail"); });
    return r;
}

} // namespace

TEST(Router, CapturesPathParameters)
{
    auto r = sample();
    auto req = make("GET", "/v1/dps/42/lots/L2");
    auto res = r.dispatch(req);
    EXPECT_EQ(res.status, 200);
    EXPECT_EQ(res.body, "42/L2");
}

TEST(Router, UnknownPathIs404WithEnvelope)
{
    auto r = sample();
    auto req = make("GET", "/v1/dps/42/lots");
    auto res = r.dispatch(req);
    EXPECT_EQ(res.status, 404);
    EXPECT_EQ(parse(res).at("error").at("code"), "not_found");
    EXPECT_EQ(parse(res).at("error").at("request_id"), "rid-1");
}

TEST(Router, EmptySegmentDoesNotMatchAParameter)
{
    auto r = sample();
    auto req = make("GET", "/v1/dps//lots/L2");
    EXPECT_EQ(r.dispatch(req).status, 404);
}

TEST(Router, WrongMethodIs405WithAllow)
{
    auto r = sample();
    auto req = make("DELETE", "/v1/dps/1/lots/2");
    auto res = r.dispatch(req);
    EXPECT_EQ(res.status, 405);
    ASSERT_EQ(res.headers.size(), 1u);
    EXPECT_EQ(res.headers[0].first, "Allow");
    EXPECT_EQ(res.headers[0].second, "GET, POST");
}

TEST(Router, HeadIsServedByGet)
{
    auto r = sample();
    auto req = make("HEAD", "/v1/dps/7/lots/1");
    EXPECT_EQ(r.dispatch(req).status, 200);
}

TEST(Router, JsonRouteRejectsOtherContentTypeWith415)
{
    auto r = sample();
    auto req = make("POST", "/v1/dps/1/lots/2", R"({"a":1})", "text/plain");
    auto res = r.dispatch(req);
    EXPECT_EQ(res.status, 415);
    EXPECT_EQ(parse(res).at("error").at("code"), "unsupported_media_type");
}

TEST(Router, JsonRouteAcceptsCharsetParameter)
{
    auto r = sample();
    auto req = make("POST", "/v1/dps/1/lots/2", R"({"a":1})", "Application/JSON; charset=utf-8");
    auto res = r.dispatch(req);
    EXPECT_EQ(res.status, 201);
    EXPECT_EQ(res.body, R"({"a":1})");
}

TEST(Router, InvalidJsonSaysWhere)
{
    auto r = sample();
    auto req = make("POST", "/v1/dps/1/lots/2", "{\n  \"a\": 1,\n  \"b\": tru\n}", "application/json");
    auto res = r.dispatch(req);
    EXPECT_EQ(res.status, 400);
    const auto message = std::string(parse(res).at("error").at("message").as_string());
    EXPECT_EQ(parse(res).at("error").at("code"), "invalid_json");
    EXPECT_NE(message.find("line 3"), std::string::npos) << message;
}

TEST(Router, TrailingGarbageAfterJsonIsRejected)
{
    auto r = sample();
    auto req = make("POST", "/v1/dps/1/lots/2", R"({"a":1} x)", "application/json");
    EXPECT_EQ(r.dispatch(req).status, 400);
}

TEST(Router, BodyOnRouteWithoutBodyIsRejected)
{
    auto r = sample();
    auto req = make("GET", "/v1/dps/1/lots/2", "unexpected");
    EXPECT_EQ(r.dispatch(req).status, 400);
}

TEST(Router, HandlerExceptionBecomes500WithoutDetail)
{
    auto r = sample();
    auto req = make("GET", "/v1/boom");
    auto res = r.dispatch(req);
    EXPECT_EQ(res.status, 500);
    EXPECT_EQ(res.body.find("secret detail"), std::string::npos);
}

TEST(Router, RefusesDuplicateRoutes)
{
    router r;
    r.add("GET", "/a", [](request&) { return response{}; });
    EXPECT_THROW(r.add("GET", "/a", [](request&) { return response{}; }), std::invalid_argument);
}
