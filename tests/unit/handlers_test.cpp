// Route handlers called directly, without the router, the access guard or a database: a malformed
// path id is 404 and a malformed body 400 before any service is called. The services stand on a
// database that cannot be opened (a SQLite file in a directory that does not exist; the pool
// connects only on first use), so a handler that reached its service would answer 503, not 400/404.
#include "calloff/award_service.hpp"
#include "calloff/calloff_routes.hpp"
#include "calloff/calloff_service.hpp"
#include "core/clock.hpp"
#include "db/database.hpp"
#include "dps/agreement_routes.hpp"
#include "dps/agreement_service.hpp"
#include "dps/dps_routes.hpp"
#include "dps/dps_service.hpp"
#include "identity/identity_routes.hpp"
#include "identity/identity_service.hpp"
#include "plugins/plugin_host.hpp"
#include "rules/rules_routes.hpp"
#include "rules/rules_service.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <string>
#include <utility>

using namespace dps;

namespace {

class Handlers : public ::testing::Test {
protected:
    db::database db{*db::parse_database_url("sqlite:/nonexistent-dps-handlers-test/none.db"), 1};
    system_clock clock;
    plugins::plugin_host plugins;
    auth::principal caller; // the access guard's work is done: handlers take the caller as given

    static http::request make(std::initializer_list<std::pair<const std::string, std::string>> params, boost::json::value body = nullptr,
                              std::string query = "")
    {
        http::request req;
        req.request_id = "req-1";
        req.path_params = params;
        req.json = std::move(body);
        req.query = std::move(query);
        return req;
    }

    // The status and error code of a response.
    static std::pair<int, std::string> answer(const http::response& res)
    {
        auto body = boost::json::parse(res.body).as_object();
        const auto* e = body.if_contains("error");
        return {res.status, e ? std::string(e->as_object().at("code").as_string()) : std::string{}};
    }
};

const std::pair<int, std::string> kNotFound{404, "not_found"};
const std::pair<int, std::string> kInvalid{400, "invalid_field"};

} // namespace

TEST_F(Handlers, DpsIdThatIsNotAnIdIsNotFound)
{
    purchasing::dps_service dps{db, clock, plugins};
    purchasing::dps_handlers h{dps};
    for (const char* id : {"abc", "0", "-1", "", "12x"}) {
        auto req = make({{"dps_id", id}});
        EXPECT_EQ(answer(h.get_dps(req, caller)), kNotFound) << "dps_id '" << id << "'";
        EXPECT_EQ(answer(h.list_lots(req, caller)), kNotFound) << "dps_id '" << id << "'";
    }
}

TEST_F(Handlers, DpsBodiesAreCheckedBeforeTheService)
{
    purchasing::dps_service dps{db, clock, plugins};
    purchasing::dps_handlers h{dps};
    auto unknown = make({}, boost::json::parse(R"({"title": "t", "colour": "red"})"));
    EXPECT_EQ(answer(h.create_dps(unknown, caller)), kInvalid);
    auto not_object = make({{"dps_id", "7"}}, boost::json::parse("[1, 2]"));
    EXPECT_EQ(answer(h.change_status(not_object, caller)), (std::pair<int, std::string>{400, "invalid_body"}));
    auto profile_not_object = make({{"provider_id", "7"}}, boost::json::parse("[1, 2]"));
    EXPECT_EQ(answer(h.update_profile(profile_not_object, caller)), kInvalid);
    auto bad_requirements = make({{"dps_id", "7"}}, boost::json::parse(R"({"code": "L1", "name": "Lot", "requirements": 3})"));
    EXPECT_EQ(answer(h.add_lot(bad_requirements, caller)), kInvalid);
    auto bad_status = make({{"dps_id", "7"}}, nullptr, "status=pending");
    EXPECT_EQ(answer(h.list_applications(bad_status, caller)), kInvalid);
}

TEST_F(Handlers, AgreementFeeIdIsCheckedAfterTheAgreementId)
{
    purchasing::dps_service dps{db, clock, plugins};
    purchasing::agreement_service agreements{db, clock, plugins};
    purchasing::agreement_handlers h{agreements, dps};
    auto bad_fee = make({{"agreement_id", "3"}, {"fee_id", "fee"}}, boost::json::parse(R"({"paid_on": "2025-01-01"})"));
    EXPECT_EQ(answer(h.mark_fee_paid(bad_fee, caller)), kNotFound);
    auto no_limit = make({{"dps_id", "3"}}, boost::json::parse(R"({"starts_on": "2025-01-01", "ends_on": "2026-01-01"})"));
    EXPECT_EQ(answer(h.add_spend_authority(no_limit, caller)), kInvalid);
    auto lot_not_string = make({{"dps_id", "3"}}, boost::json::parse(R"({"lot_codes": [1], "starts_on": "2025-01-01", "ends_on": "2026-01-01"})"));
    EXPECT_EQ(answer(h.request_agreement(lot_not_string, caller)), kInvalid);
}

TEST_F(Handlers, PluginVersionBeyondAnIntIsNotFound)
{
    rules::rules_service rules{db, clock, plugins};
    rules::rules_handlers h{rules};
    auto req = make({{"tenant_id", "1"}, {"version", "4294967296"}});
    EXPECT_EQ(answer(h.activate(req, caller)), kNotFound);
    auto args = make({{"tenant_id", "1"}}, boost::json::parse(R"({"hook": "eligible", "args": {}})"));
    EXPECT_EQ(answer(h.evaluate(args, caller)), kInvalid);
}

TEST_F(Handlers, IdentityBodiesAreCheckedBeforeTheService)
{
    identity::identity_service identity{db, clock};
    identity::identity_handlers h{identity};
    auto no_password = make({}, boost::json::parse(R"({"email": "a@example.org"})"));
    EXPECT_EQ(answer(h.sign_in(no_password)), kInvalid);
    auto unknown_role = make({{"user_id", "5"}}, boost::json::parse(R"({"role": "overlord"})"));
    EXPECT_EQ(answer(h.grant_role(unknown_role, caller)), kInvalid);
    auto forever = make({{"user_id", "5"}}, boost::json::parse(R"({"expires_in_days": 366})"));
    EXPECT_EQ(answer(h.issue_token(forever, caller)), kInvalid);
    auto bad_grant = make({{"user_id", "5"}, {"grant_id", "0"}});
    EXPECT_EQ(answer(h.revoke_role(bad_grant, caller)), kNotFound);
}

TEST_F(Handlers, CallOffBidIsCheckedBeforeTheService)
{
    calloff::calloff_service calloffs{db, clock, plugins};
    calloff::award_service awards{db, clock, plugins};
    calloff::calloff_handlers h{calloffs, awards};
    auto no_start = make({{"call_off_id", "2"}}, boost::json::parse(R"({"hourly_rate_pence": 2500, "hours_per_week": 10})"));
    EXPECT_EQ(answer(h.submit_bid(no_start, caller)), kInvalid);
    auto bad_id = make({{"contract_id", "x"}});
    EXPECT_EQ(answer(h.get_contract(bad_id, caller)), kNotFound);
}

// The check itself: with a well-formed request the handler does reach its service, which cannot
// open the database. Were this 200, the tests above would prove nothing.
TEST_F(Handlers, AWellFormedRequestReachesTheService)
{
    purchasing::dps_service dps{db, clock, plugins};
    purchasing::dps_handlers h{dps};
    auto req = make({{"dps_id", "7"}});
    const auto [status, code] = answer(h.get_dps(req, caller));
    EXPECT_EQ(status, 503) << code;
}
