// Tests that bad hook return values and runtime errors become plugin_error values naming the
// tenant, the hook and the file:line where the hook is defined (or where the error was raised).
#include "test_support.hpp"

namespace dps::plugins {
namespace {

using test::expect_plugin_error;
using test::object;

// Each hook is defined on a known line of "garbage.lua".
const char* const garbage_plugin = R"(local mode = "ok"
local p = {}
function p.annual_fee(lot, agreement)
  if lot.case == "negative" then return -5 end
  if lot.case == "float" then return 3150.5 end
  if lot.case == "string" then return "315000" end
  if lot.case == "nothing" then return end
  return 315000
end
function p.approval_route(award)
  if award.case == "unknown" then return { { authority = "mayor" } } end
  if award.case == "consult" then return { { authority = "cabinet", in_consultation_with = { "pope" } } } end
  if award.case == "empty" then return {} end
  if award.case == "typo" then return { { authoritee = "cabinet" } } end
  if award.case == "number" then return 7 end
  if award.case == "holes" then return { "cabinet", nil, "lead_member" } end
  return { "director_childrens_services", { authority = "cabinet", in_consultation_with = "lead_member" } }
end
function p.lots()
  return { { code = "l1", name = "Local", maps_to = "lot2" }, { code = "l2", name = "Other", maps_to = "lot9" } }
end
function p.eligible(provider, lot)
  if provider.case == "no_reason" then return false end
  if provider.case == "string" then return "yes" end
  return false, "not today"
end
function p.score_bid(bid, call_off)
  if bid.case == "nan" then return 0/0 end
  if bid.case == "text" then return "high" end
  return 2.5
end
function p.termination_notice(agreement)
  if agreement.case == "long" then return 1000 end
  return 3
end
function p.rate_uplift(contract, date)
  local t = nil
  return t.rate
end
function p.spend_authority()
  return { limit_pence = 100, from = "2023-03-01", to = "2021-04-01" }
end
function p.max_block_discount_percent()
  return 5.0
end
return p
)";

class Garbage : public ::testing::Test {
protected:
    void SetUp() override { test::install(host_, "garbage", garbage_plugin); }
    plugin_host host_;
};

TEST_F(Garbage, FeeMustBeANonNegativeIntegerInPence)
{
    for (const char* which : {"negative", "float", "string", "nothing"}) {
        auto fee = host_.annual_fee("garbage", boost::json::object{{"case", which}}, {});
        ASSERT_FALSE(fee.ok()) << which;
        EXPECT_EQ(fee.err().kind, error_kind::unprocessable);
        expect_plugin_error(fee.err(), "garbage", "annual_fee", "garbage.lua:3");
    }
    EXPECT_NE(host_.annual_fee("garbage", object(R"({"case":"float"})"), {}).err().message.find("never floats"),
              std::string::npos);
    EXPECT_NE(host_.annual_fee("garbage", object(R"({"case":"negative"})"), {}).err().message.find("not -5"),
              std::string::npos);
    auto fine = host_.annual_fee("garbage", {}, {});
    ASSERT_TRUE(fine.ok());
    EXPECT_EQ(*fine, 315000);
}

TEST_F(Garbage, RouteNamesOnlyKnownAuthorities)
{
    const std::pair<const char*, const char*> cases[] = {
        {"unknown", "unknown authority 'mayor'"},
        {"consult", "consults an unknown authority 'pope'"},
        {"empty", "at least one step"},
        {"typo", "unknown field the string 'authoritee'"},
        {"number", "not the integer 7"},
        {"holes", "list"},
    };
    for (const auto& [which, message] : cases) {
        auto route = host_.approval_route("garbage", boost::json::object{{"case", which}});
        ASSERT_FALSE(route.ok()) << which;
        expect_plugin_error(route.err(), "garbage", "approval_route", "garbage.lua:10");
        EXPECT_NE(route.err().message.find(message), std::string::npos) << route.err().message;
    }
    auto route = host_.approval_route("garbage", {});
    ASSERT_TRUE(route.ok()) << route.err().message;
    ASSERT_EQ(route->size(), 2u);
    EXPECT_EQ((*route)[0].authority, "director_childrens_services");
    EXPECT_EQ((*route)[1].in_consultation_with, std::vector<std::string>{"lead_member"});
}

TEST_F(Garbage, PartnerLotMustMapToALeadLot)
{
    const std::vector<std::string> lead{"lot2", "lot4"};
    auto lots = host_.lots("garbage", lead);
    ASSERT_FALSE(lots.ok());
    expect_plugin_error(lots.err(), "garbage", "lots", "garbage.lua:19");
    EXPECT_NE(lots.err().message.find("maps to 'lot9'"), std::string::npos) << lots.err().message;
    auto unverified = host_.lots_unverified("garbage");
    ASSERT_TRUE(unverified.ok());
    EXPECT_EQ(unverified->size(), 2u);
}

TEST_F(Garbage, EligibilityNeedsAReasonWhenRefused)
{
    auto no_reason = host_.eligible("garbage", object(R"({"case":"no_reason"})"), {});
    ASSERT_FALSE(no_reason.ok());
    expect_plugin_error(no_reason.err(), "garbage", "eligible", "garbage.lua:22");
    auto text = host_.eligible("garbage", object(R"({"case":"string"})"), {});
    ASSERT_FALSE(text.ok());
    auto refused = host_.eligible("garbage", {}, {});
    ASSERT_TRUE(refused.ok());
    EXPECT_FALSE(refused->eligible);
    EXPECT_EQ(refused->reason, "not today");
}

TEST_F(Garbage, ScoreMustBeAFiniteNumber)
{
    EXPECT_FALSE(host_.score_bid("garbage", object(R"({"case":"nan"})"), {}).ok());
    auto text = host_.score_bid("garbage", object(R"({"case":"text"})"), {});
    ASSERT_FALSE(text.ok());
    expect_plugin_error(text.err(), "garbage", "score_bid", "garbage.lua:27");
    auto score = host_.score_bid("garbage", {}, {});
    ASSERT_TRUE(score.ok());
    EXPECT_DOUBLE_EQ(*score, 2.5);
}

TEST_F(Garbage, NoticePeriodIsBounded)
{
    auto notice = host_.termination_notice("garbage", object(R"({"case":"long"})"));
    ASSERT_FALSE(notice.ok());
    expect_plugin_error(notice.err(), "garbage", "termination_notice", "garbage.lua:32");
    EXPECT_EQ(*host_.termination_notice("garbage", {}), 3);
}

TEST_F(Garbage, RuntimeErrorNamesTheLineThatFailed)
{
    auto rate = host_.rate_uplift("garbage", object(R"({"hourly_rate_pence": 1850})"), "2025-04-01");
    ASSERT_FALSE(rate.ok());
    EXPECT_EQ(rate.err().kind, error_kind::unprocessable);
    expect_plugin_error(rate.err(), "garbage", "rate_uplift", "garbage.lua:36");
    EXPECT_NE(rate.err().message.find("garbage.lua:38: attempt to index"), std::string::npos) << rate.err().message;
}

TEST_F(Garbage, SpendAuthorityMustNotEndBeforeItStarts)
{
    auto authority = host_.spend_authority("garbage");
    ASSERT_FALSE(authority.ok());
    expect_plugin_error(authority.err(), "garbage", "spend_authority", "garbage.lua:40");
    EXPECT_NE(authority.err().message.find("before it starts"), std::string::npos);
}

TEST_F(Garbage, PercentMustBeAnInteger)
{
    auto discount = host_.max_block_discount_percent("garbage");
    ASSERT_FALSE(discount.ok());
    expect_plugin_error(discount.err(), "garbage", "max_block_discount_percent", "garbage.lua:43");
}

TEST(Validation, LotFieldsAreCheckedOneByOne)
{
    plugin_host host;
    const std::pair<const char*, const char*> cases[] = {
        {"return { lots = function() return { { name = 'No code' } } end }", "lot 1.code must be a non-empty string"},
        {"return { lots = function() return { { code = 'a', name = 'A' }, { code = 'a', name = 'B' } } end }",
         "repeats the lot code 'a'"},
        {"return { lots = function() return { { code = 'a', name = 'A', requirements = { regulator = 'fsa' } } } end }",
         "regulator must be one of cqc ofsted"},
        {"return { lots = function() return { { code = 'a', name = 'A', requirements = { minimum_rating = 'ok' } } } end }",
         "minimum_rating must be one of"},
        {"return { lots = function() return { { code = 'a', name = 'A', requirements = { public_liability_pence = 5e6 } } } end }",
         "public_liability_pence must be an integer"},
        {"return { lots = function() return { { code = 'a', name = 'A', colour = 'red' } } end }",
         "unknown field the string 'colour'"},
        {"return { lots = function() return { { code = 'a', name = 'A', maps_to = 'x' } } end }",
         "maps to 'x', which is not a lot of the lead authority's DPS"},
    };
    for (const auto& [source, message] : cases) {
        ASSERT_TRUE(host.install("lots", source, "lots.lua").ok()) << source;
        auto lots = host.lots("lots");
        ASSERT_FALSE(lots.ok()) << source;
        expect_plugin_error(lots.err(), "lots", "lots", "lots.lua:1");
        EXPECT_NE(lots.err().message.find(message), std::string::npos) << lots.err().message;
    }
}

TEST(Validation, ErrorObjectsThatAreNotStringsAreDescribed)
{
    plugin_host host;
    test::install(host, "t", "return { annual_fee = function() error({ code = 1 }) end }");
    auto fee = host.annual_fee("t", {}, {});
    ASSERT_FALSE(fee.ok());
    EXPECT_NE(fee.err().message.find("error object is a table value"), std::string::npos) << fee.err().message;
}

} // namespace
} // namespace dps::plugins
