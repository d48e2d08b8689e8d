// Stories of the evidence councils take to committee (issue 12): spot purchases read back as
// records, by the council that made them and by the DPS's lead; the DPS-against-spot report for a
// financial year, as JSON and as CSV, answering only with what the caller may see.
#include "db/database.hpp"
#include "db/database_url.hpp"
#include "identity/identity_service.hpp"
#include "reports/reports_records.hpp"
#include "reports/reports_service.hpp"
#include "support/calloff_fixture.hpp"

namespace dps::test {
namespace {

class reports : public calloff_contracts_fixture {
protected:
    // Haringey leads a DPS; Waltham Forest calls off from its Lot 2 as a partner. In March 2024
    // (financial year 2023): Haringey publishes three packages (one awarded, one closed unfilled,
    // one still open for bids) and Waltham Forest one (closed unfilled).
    void SetUp() override
    {
        dps_ = open_dps("haringey", "2024-02-01", "2029-01-31");
        admit("haringey", "riverside", dps_, "lot2");
        join("haringey", "waltham-forest", dps_, {"lot2"}, "2024-03-01", "2027-03-31");
        const auto package = hourly_package("2024-05-01", 10, 12);
        haringey_unfilled_ = published("haringey", dps_, "lot2", package, "2024-03-20T12:00:00Z");
        haringey_open_ = published("haringey", dps_, "lot2", package, "2024-04-30T12:00:00Z");
        partner_unfilled_ = published("waltham-forest", dps_, "lot2", package, "2024-03-20T12:00:00Z");
        contract_ = haringey_contract(2650, 10, 12); // moves the clock to 21 March 2024
        haringey_spot_ = spot(haringey_unfilled_, "haringey", "Ørsted \"Home\" Care, Ltd", 310'000);
        partner_spot_ = spot(partner_unfilled_, "waltham-forest", "Northside Care", 28'750);
    }

    std::int64_t spot(std::int64_t call_off_id, const std::string& council, const std::string& provider, std::int64_t cost)
    {
        auto r = call(council + ":commissioner", "POST", co(call_off_id, "/unfilled"),
                      {{"provider_name", provider}, {"cost_pence", cost}, {"reason", "no bid within the rate"}});
        EXPECT_EQ(r.status, 201) << r.body;
        return id_of(r);
    }

    test::http_reply report(const std::string& who, const std::string& query, const test::header_list& extra = {})
    {
        test::header_list headers{{"Authorization", "Bearer " + tokens_.at(who)}};
        headers.insert(headers.end(), extra.begin(), extra.end());
        return client_.send("GET", "/v1/reports/dps-vs-spot" + query, "", headers);
    }

    std::int64_t haringey_unfilled_ = 0, haringey_open_ = 0, partner_unfilled_ = 0, contract_ = 0, haringey_spot_ = 0, partner_spot_ = 0;
};

const boost::json::object& group(const boost::json::value& report, const char* by, const std::string& key)
{
    for (const auto& row : report.at(by).as_array())
        if (row.at("key").as_string() == key) return row.as_object();
    throw std::runtime_error(std::string{"no "} + by + " row " + key);
}

TEST_F(reports, ASpotPurchaseIsARecordTheCouncilAndTheLeadReadButNoOtherCouncil)
{
    auto own = call("waltham-forest:commissioner", "GET", "/v1/spot-purchases/" + std::to_string(partner_spot_));
    ASSERT_EQ(own.status, 200) << own.body;
    EXPECT_EQ(own.json().at("provider_name"), "Northside Care");
    EXPECT_EQ(own.json().at("reason"), "no bid within the rate");
    EXPECT_EQ(own.json().at("call_off_id"), partner_unfilled_);
    EXPECT_EQ(own.json().at("dps_id"), dps_);
    EXPECT_EQ(own.json().at("lot_code"), "lot2");
    // The lead reads its partner's record; a council with no part in it does not learn it exists.
    EXPECT_EQ(call("haringey:commissioner", "GET", "/v1/spot-purchases/" + std::to_string(partner_spot_)).status, 200);
    EXPECT_EQ(call("newham:commissioner", "GET", "/v1/spot-purchases/" + std::to_string(partner_spot_)).status, 404);
    EXPECT_EQ(call("waltham-forest:commissioner", "GET", "/v1/spot-purchases/" + std::to_string(haringey_spot_)).status, 404)
        << "a partner does not read the lead's own purchases";
    EXPECT_EQ(call("riverside", "GET", "/v1/spot-purchases/" + std::to_string(partner_spot_)).status, 404) << "providers: not theirs to know of";
    EXPECT_EQ(call("riverside", "GET", "/v1/spot-purchases").status, 403) << "providers: not theirs to list";
    EXPECT_EQ(call("haringey:commissioner", "GET", "/v1/spot-purchases/999999").status, 404);
}

TEST_F(reports, SpotPurchasesListTheCouncilsOwnAndTheLeadsPartnersWithFilters)
{
    EXPECT_EQ(ids_in(call("haringey:commissioner", "GET", "/v1/spot-purchases").json()), (std::set<std::int64_t>{haringey_spot_, partner_spot_}));
    EXPECT_EQ(ids_in(call("waltham-forest:commissioner", "GET", "/v1/spot-purchases").json()), (std::set<std::int64_t>{partner_spot_}));
    EXPECT_TRUE(ids_in(call("newham:commissioner", "GET", "/v1/spot-purchases").json()).empty());
    const auto dps = std::to_string(dps_);
    EXPECT_EQ(ids_in(call("haringey:commissioner", "GET", "/v1/spot-purchases?dps_id=" + dps + "&lot=lot2&financial_year=2023").json()),
              (std::set<std::int64_t>{haringey_spot_, partner_spot_}));
    EXPECT_TRUE(ids_in(call("haringey:commissioner", "GET", "/v1/spot-purchases?financial_year=2024").json()).empty())
        << "bought in March 2024: the financial year that began in April 2023";
    EXPECT_TRUE(ids_in(call("haringey:commissioner", "GET", "/v1/spot-purchases?lot=lot9").json()).empty());
    // Part of the name, any case, decoded from the query string; LIKE's own characters are literal.
    EXPECT_EQ(ids_in(call("haringey:commissioner", "GET", "/v1/spot-purchases?provider=HOME%22+care").json()),
              (std::set<std::int64_t>{haringey_spot_}));
    EXPECT_TRUE(ids_in(call("haringey:commissioner", "GET", "/v1/spot-purchases?provider=%25").json()).empty());
    // Every input a user can send gets a clear error naming it.
    auto unknown = call("haringey:commissioner", "GET", "/v1/spot-purchases?year=2023");
    EXPECT_EQ(unknown.status, 400);
    EXPECT_EQ(unknown.json().at("error").at("code"), "invalid_parameter") << unknown.body;
    EXPECT_EQ(std::string(unknown.json().at("error").at("message").as_string()).rfind("year: ", 0), 0u) << unknown.body;
    EXPECT_EQ(call("haringey:commissioner", "GET", "/v1/spot-purchases?financial_year=1999").status, 400);
    EXPECT_EQ(call("haringey:commissioner", "GET", "/v1/spot-purchases?financial_year=2023&financial_year=2024").status, 400);
    EXPECT_EQ(call("haringey:commissioner", "GET", "/v1/spot-purchases?dps_id=abc").status, 400);
    EXPECT_EQ(call("haringey:commissioner", "GET", "/v1/spot-purchases?dps_id=999999").status, 404);
}

TEST_F(reports, DpsAgainstSpotCountsWhatTheCallerMaySeeForTheYear)
{
    const auto contract_value = call("haringey:commissioner", "GET", ct(contract_)).json().at("value_pence").as_int64();
    const auto dps = std::to_string(dps_);
    // The lead sees its DPS across its partner: 4 published, 1 placed, 2 bought spot, 1 still open.
    auto lead = report("haringey:commissioner", "?financial_year=2023&dps_id=" + dps);
    ASSERT_EQ(lead.status, 200) << lead.body;
    const auto lead_json = lead.json();
    const auto& total = lead_json.at("total");
    EXPECT_EQ(total.at("published"), 4);
    EXPECT_EQ(total.at("awarded_through_dps"), 1);
    EXPECT_EQ(total.at("closed_unfilled_spot_purchase"), 2);
    EXPECT_EQ(total.at("in_progress"), 1);
    EXPECT_DOUBLE_EQ(total.at("placed_through_dps_percent").as_double(), 33.3);
    EXPECT_DOUBLE_EQ(total.at("spot_purchase_percent").as_double(), 66.7);
    EXPECT_EQ(total.at("awarded_value_pence"), contract_value);
    EXPECT_EQ(total.at("spot_value_pence"), 310'000 + 28'750);
    EXPECT_EQ(lead.json().at("from"), "2023-04-01");
    EXPECT_EQ(lead.json().at("to"), "2024-03-31");
    EXPECT_EQ(group(lead.json(), "by_commissioner", "waltham-forest").at("closed_unfilled_spot_purchase"), 1)
        << "the partner named by its slug";
    EXPECT_EQ(group(lead.json(), "by_commissioner", "haringey").at("published"), 3);
    EXPECT_EQ(group(lead.json(), "by_lot", "lot2").at("published"), 4);
    EXPECT_EQ(group(lead.json(), "by_month", "2024-03").at("published"), 4);

    // The partner sees only its own; a council with no part in the DPS sees nothing of it.
    auto partner = report("waltham-forest:commissioner", "?financial_year=2023&dps_id=" + dps);
    EXPECT_EQ(partner.json().at("total").at("published"), 1) << partner.body;
    EXPECT_EQ(partner.json().at("total").at("spot_value_pence"), 28'750);
    auto stranger = report("newham:commissioner", "?financial_year=2023&dps_id=" + dps);
    EXPECT_EQ(stranger.json().at("total").at("published"), 0) << stranger.body;
    EXPECT_TRUE(stranger.json().at("total").at("placed_through_dps_percent").is_null()) << "nothing decided: no rate, not 0%";
    // Another year: none of it.
    EXPECT_EQ(report("haringey:commissioner", "?financial_year=2024").json().at("total").at("published"), 0);
    // Providers do not read councils' reports.
    EXPECT_EQ(report("riverside", "?financial_year=2023").status, 403);
}

TEST_F(reports, TheReportAsCsvOpensInASpreadsheet)
{
    const auto dps = std::to_string(dps_);
    auto csv = report("haringey:commissioner", "?financial_year=2023&dps_id=" + dps + "&format=csv");
    ASSERT_EQ(csv.status, 200) << csv.body;
    EXPECT_EQ(csv.header("content-type"), "text/csv; charset=utf-8");
    EXPECT_NE(csv.header("content-disposition").find("dps-vs-spot-2023-dps-" + dps + ".csv"), std::string::npos);
    ASSERT_EQ(csv.body.rfind("\xEF\xBB\xBF", 0), 0u) << "a byte-order mark, so Excel reads UTF-8";
    const auto first_line_end = csv.body.find("\r\n");
    ASSERT_NE(first_line_end, std::string::npos) << "CRLF line ends";
    EXPECT_EQ(csv.body.substr(3, first_line_end - 3),
              "financial_year,group,key,published,awarded_through_dps,closed_unfilled_spot_purchase,in_progress,"
              "placed_through_dps_percent,spot_purchase_percent,awarded_value_pounds,awarded_value_pence,spot_value_pounds,spot_value_pence");
    EXPECT_NE(csv.body.find("\r\n2023,total,total,4,1,2,1,33.3,66.7,"), std::string::npos) << csv.body;
    EXPECT_NE(csv.body.find(",3387.50,338750\r\n"), std::string::npos) << "spot value in pounds and in pence: " << csv.body;
    // Accept: text/csv asks for the same; JSON stays the default.
    auto by_accept = report("haringey:commissioner", "?financial_year=2023&dps_id=" + dps, {{"Accept", "text/csv"}});
    EXPECT_EQ(by_accept.body, csv.body);
    EXPECT_EQ(report("haringey:commissioner", "?financial_year=2023", {{"Accept", "application/json"}}).header("content-type"), "application/json");
}

TEST_F(reports, EveryBadParameterIsA400NamingIt)
{
    for (const auto& [query, named] : std::vector<std::pair<std::string, std::string>>{
             {"", "financial_year"},
             {"?financial_year=twenty", "financial_year"},
             {"?financial_year=1999", "financial_year"},
             {"?financial_year=2023&format=xlsx", "format"},
             {"?financial_year=2023&dps_id=0", "dps_id"},
             {"?financial_year=2023&lot=lot2", "lot"},
             {"?financial_year=2023&financial_year=2024", "financial_year"},
             {"?financial_year=", "financial_year"}}) {
        auto r = report("haringey:commissioner", query);
        EXPECT_EQ(r.status, 400) << query << ": " << r.body;
        EXPECT_EQ(r.json().at("error").at("code"), "invalid_parameter") << query << ": " << r.body;
        EXPECT_EQ(std::string(r.json().at("error").at("message").as_string()).rfind(named + ": ", 0), 0u) << query << ": " << r.body;
    }
    EXPECT_EQ(report("haringey:commissioner", "?financial_year=2023&dps_id=999999").status, 404);
}

} // namespace

// DPS_DB_READ_URL: the report reads the replica when there is one, and the primary when it does not
// answer. Here the "replica" is the same database through its own pool (what HAProxy's read port
// gives on the cluster), so the figures must match and the replica's pool must have been used.
TEST_F(reports, AReportReadsTheReplicaAndFallsBackToThePrimary)
{
    auth::principal council;
    council.tenant_id = tenants_.at("haringey");
    council.email = "reports-test";
    const identity::acting by{&council, "replica-test"};
    auto& primary = platform_.app().database();
    auto expected = dps::reports::reports_service(primary).dps_vs_spot(by, 2023, dps_);
    ASSERT_TRUE(expected.ok());

    auto url = db::parse_database_url(platform_.database().url());
    ASSERT_TRUE(url.ok());
    db::database replica(*url, 2);
    auto from_replica = dps::reports::reports_service(primary, &replica).dps_vs_spot(by, 2023, dps_);
    ASSERT_TRUE(from_replica.ok()) << from_replica.err().message;
    EXPECT_EQ(boost::json::serialize(dps::reports::to_json(*from_replica)), boost::json::serialize(dps::reports::to_json(*expected)));
    EXPECT_EQ(replica.stats().idle, 1u) << "the report's read went to the replica";

    // A replica that does not answer (a standby mid-failover): the primary serves the report.
    auto gone = db::parse_database_url(primary.kind() == db::backend::postgresql ? "postgresql://dps_app@127.0.0.1:1/none"
                                                                                   : "sqlite:/nonexistent-folder/replica.db");
    ASSERT_TRUE(gone.ok());
    db::database down(*gone, 1, std::chrono::milliseconds{500});
    auto fallback = dps::reports::reports_service(primary, &down).dps_vs_spot(by, 2023, dps_);
    ASSERT_TRUE(fallback.ok()) << fallback.err().message;
    EXPECT_EQ(boost::json::serialize(dps::reports::to_json(*fallback)), boost::json::serialize(dps::reports::to_json(*expected)));
}

} // namespace dps::test
