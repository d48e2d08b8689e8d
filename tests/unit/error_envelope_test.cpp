// The one error envelope, and the one mapping from error kind to HTTP status.
#include "http/json_io.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

using namespace dps;

TEST(ErrorEnvelope, HasCodeMessageAndRequestIdOnly)
{
    auto e = make_error(error_kind::conflict, "dps_closed", "the DPS is closed", "internal: row 7 locked");
    auto res = http::error_response(e, "req-9");
    EXPECT_EQ(res.status, 409);
    EXPECT_EQ(res.content_type, "application/json");
    auto body = boost::json::parse(res.body).as_object();
    ASSERT_EQ(body.size(), 1u);
    const auto& inner = body.at("error").as_object();
    EXPECT_EQ(inner.at("code"), "dps_closed");
    EXPECT_EQ(inner.at("message"), "the DPS is closed");
    EXPECT_EQ(inner.at("request_id"), "req-9");
    EXPECT_EQ(inner.size(), 3u);
    EXPECT_EQ(res.body.find("row 7"), std::string::npos) << "internal detail must not reach the client";
}

TEST(ErrorEnvelope, StatusMapping)
{
    EXPECT_EQ(http_status(error_kind::bad_request), 400);
    EXPECT_EQ(http_status(error_kind::unauthorized), 401);
    EXPECT_EQ(http_status(error_kind::forbidden), 403);
    EXPECT_EQ(http_status(error_kind::not_found), 404);
    EXPECT_EQ(http_status(error_kind::method_not_allowed), 405);
    EXPECT_EQ(http_status(error_kind::conflict), 409);
    EXPECT_EQ(http_status(error_kind::payload_too_large), 413);
    EXPECT_EQ(http_status(error_kind::unsupported_media_type), 415);
    EXPECT_EQ(http_status(error_kind::unprocessable), 422);
    EXPECT_EQ(http_status(error_kind::too_many_requests), 429);
    EXPECT_EQ(http_status(error_kind::unavailable), 503);
    EXPECT_EQ(http_status(error_kind::internal), 500);
}

TEST(JsonBody, EmptyBodyIsAnError)
{
    auto r = http::parse_json_body("");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.err().code, "invalid_json");
}

TEST(JsonBody, PositionPointsAtTheFault)
{
    auto r = http::parse_json_body("[1, 2,, 3]");
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.err().message.find("column 7"), std::string::npos) << r.err().message;
}

TEST(JsonBody, DeepNestingIsRefused)
{
    std::string deep(200, '[');
    deep += std::string(200, ']');
    EXPECT_FALSE(http::parse_json_body(deep).ok());
}
