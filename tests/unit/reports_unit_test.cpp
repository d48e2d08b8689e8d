// The pieces reports stand on, without a database: the DPS-against-spot arithmetic (with the figure
// a seed council reported: 43 referrals, 18 (42%) placed through the DPS and 25 (58%) by spot
// purchase), RFC 4180 CSV, query-string parameters, and financial years in London time.
#include "core/clock.hpp"
#include "core/money.hpp"
#include "http/csv.hpp"
#include "http/query.hpp"
#include "reports/reports_records.hpp"

#include <gtest/gtest.h>

using namespace dps;
using calloff::call_off_status;

namespace {

reports::call_off_outcome outcome(call_off_status s, const std::string& lot, const std::string& council, const std::string& on,
                                  std::optional<money::pence> value = std::nullopt)
{
    reports::call_off_outcome o;
    o.status = s;
    o.lot_code = lot;
    o.commissioner = council;
    o.published_on = on;
    if (s == call_off_status::awarded) o.contract_value = value;
    if (s == call_off_status::unfilled) o.spot_cost = value;
    return o;
}

} // namespace

TEST(DpsAgainstSpot, TheSeedCouncilsFigureFortyTwoPercentPlacedFiftyEightBySpotPurchase)
{
    std::vector<reports::call_off_outcome> rows;
    for (int i = 0; i < 18; ++i) rows.push_back(outcome(call_off_status::awarded, "lot1", "peterborough", "2023-05-10", 10'000));
    for (int i = 0; i < 25; ++i) rows.push_back(outcome(call_off_status::unfilled, i < 20 ? "lot1" : "lot2", "peterborough", "2023-11-02", 20'000));
    rows.push_back(outcome(call_off_status::open, "lot2", "cambridgeshire", "2024-03-30")); // not yet decided
    reports::dps_vs_spot_report r;
    ASSERT_TRUE(reports::tally(r, rows));
    EXPECT_EQ(r.total.published, 44);
    EXPECT_EQ(r.total.awarded, 18);
    EXPECT_EQ(r.total.unfilled, 25);
    EXPECT_EQ(r.total.in_progress, 1);
    EXPECT_EQ(r.total.placed_per_mille(), 419) << "18 of the 43 decided: 41.9%, the report's 42%";
    EXPECT_EQ(r.total.spot_per_mille(), 581) << "25 of 43: 58.1%, the report's 58%";
    EXPECT_EQ(r.total.awarded_value, 180'000);
    EXPECT_EQ(r.total.spot_value, 500'000);
    ASSERT_EQ(r.by_lot.size(), 2u);
    EXPECT_EQ(r.by_lot[1].key, "lot2");
    EXPECT_EQ(r.by_lot[1].unfilled, 5);
    EXPECT_EQ(r.by_lot[1].placed_per_mille(), 0);
    ASSERT_EQ(r.by_month.size(), 3u);
    EXPECT_EQ(r.by_month[0].key, "2023-05");
    ASSERT_EQ(r.by_commissioner.size(), 2u);
    EXPECT_EQ(r.by_commissioner[0].key, "cambridgeshire");
    EXPECT_FALSE(r.by_commissioner[0].placed_per_mille().has_value()) << "nothing decided: no rate at all, not 0%";
}

TEST(DpsAgainstSpot, ASumPastInt64IsRefusedNotWrapped)
{
    reports::dps_vs_spot_report r;
    std::vector<reports::call_off_outcome> rows{outcome(call_off_status::awarded, "lot1", "a", "2023-05-10", INT64_MAX),
                                                outcome(call_off_status::awarded, "lot1", "a", "2023-05-10", 1)};
    EXPECT_FALSE(reports::tally(r, rows));
}

TEST(DpsAgainstSpot, TheCsvHasAnExcelByteOrderMarkCrlfAndPoundsBesidePence)
{
    reports::dps_vs_spot_report r;
    r.financial_year = 2023;
    ASSERT_TRUE(reports::tally(r, {outcome(call_off_status::unfilled, "lot,1", "a", "2023-05-10", 123'456)}));
    const auto csv = reports::to_csv(r);
    EXPECT_EQ(csv.rfind("\xEF\xBB\xBF", 0), 0u);
    EXPECT_NE(csv.find("\r\n2023,total,total,1,0,1,0,0.0,100.0,0.00,0,1234.56,123456\r\n"), std::string::npos) << csv;
    EXPECT_NE(csv.find("\r\n2023,lot,\"lot,1\","), std::string::npos) << "a comma in a key is quoted: " << csv;
}

TEST(Csv, FieldsAreQuotedOnlyWhereRfc4180NeedsItAndFormulasAreDisarmed)
{
    EXPECT_EQ(http::csv_field("Riverside Care"), "Riverside Care");
    EXPECT_EQ(http::csv_field("Smith, Jones & Co"), "\"Smith, Jones & Co\"");
    EXPECT_EQ(http::csv_field("The \"Best\" Care"), "\"The \"\"Best\"\" Care\"");
    EXPECT_EQ(http::csv_field("two\nlines"), "\"two\nlines\"");
    EXPECT_EQ(http::csv_field("Ørsted Cymru Gofal"), "Ørsted Cymru Gofal") << "UTF-8 passes through";
    EXPECT_EQ(http::csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
    EXPECT_EQ(http::csv_field("@SUM(A1)"), "'@SUM(A1)");
    EXPECT_EQ(http::csv_field("-12.50"), "-12.50") << "a negative number stays a number";
    EXPECT_EQ(http::csv_field("-cmd"), "'-cmd");
    http::csv_table t({"a", "b"});
    t.add({"1", "x,y"});
    EXPECT_EQ(t.text(), "\xEF\xBB\xBF" "a,b\r\n1,\"x,y\"\r\n");
    EXPECT_THROW(t.add({"only one"}), std::logic_error);
}

TEST(QueryParams, DecodedEachNamedOnceAndOnlyTheDocumentedOnes)
{
    auto q = http::query_params::parse("provider=Smith+%26+Jones&financial_year=2025", {"provider", "financial_year"});
    ASSERT_TRUE(q.ok());
    EXPECT_EQ(q->text("provider"), "Smith & Jones");
    EXPECT_EQ(*q->integer("financial_year", 2000, 2100).value(), 2025);
    EXPECT_FALSE(q->text("absent").has_value());
    EXPECT_TRUE(http::query_params::parse("", {"a"}).ok());
    for (const char* bad : {"year=2025", "provider=a&provider=b", "provider=", "provider", "%zz=1"}) {
        auto r = http::query_params::parse(bad, {"provider", "financial_year"});
        ASSERT_FALSE(r.ok()) << bad;
        EXPECT_EQ(r.err().code, "invalid_parameter") << bad;
        EXPECT_EQ(r.err().kind, error_kind::bad_request) << bad;
    }
    auto n = http::query_params::parse("dps_id=0&financial_year=20x5", {"dps_id", "financial_year"});
    ASSERT_TRUE(n.ok());
    EXPECT_FALSE(n->id("dps_id").ok());
    EXPECT_FALSE(n->integer("financial_year", 2000, 2100).ok());
    EXPECT_EQ(n->id("dps_id").err().message.rfind("dps_id: ", 0), 0u);
}

TEST(FinancialYear, AprilToMarchInLondonTime)
{
    using namespace std::chrono;
    const auto fy = financial_year(2025);
    EXPECT_EQ(fy.first_day, "2025-04-01");
    EXPECT_EQ(fy.last_day, "2026-03-31");
    // 1 April is in British Summer Time both years: the year starts at 23:00 UTC the day before.
    EXPECT_EQ(format_timestamp(fy.from), "2025-03-31T23:00:00.000Z");
    EXPECT_EQ(format_timestamp(fy.to), "2026-03-31T23:00:00.000Z");
    // Midnight in winter is midnight UTC; on the day the clocks go forward (30 March 2025), still GMT at 00:00.
    EXPECT_EQ(format_timestamp(london_midnight(year{2025} / January / 15)), "2025-01-15T00:00:00.000Z");
    EXPECT_EQ(format_timestamp(london_midnight(year{2025} / March / 30)), "2025-03-30T00:00:00.000Z");
    EXPECT_EQ(format_timestamp(london_midnight(year{2025} / March / 31)), "2025-03-30T23:00:00.000Z");
    // The day the clocks go back (26 October 2025) begins in summer time.
    EXPECT_EQ(format_timestamp(london_midnight(year{2025} / October / 26)), "2025-10-25T23:00:00.000Z");
    EXPECT_EQ(format_timestamp(london_midnight(year{2025} / October / 27)), "2025-10-27T00:00:00.000Z");
    EXPECT_EQ(london_date(fy.from), "2025-04-01");
}

TEST(Money, DecimalPoundsForASpreadsheetColumn)
{
    EXPECT_EQ(money::decimal_pounds(123'456), "1234.56");
    EXPECT_EQ(money::decimal_pounds(5), "0.05");
    EXPECT_EQ(money::decimal_pounds(-250), "-2.50");
    EXPECT_EQ(money::decimal_pounds(0), "0.00");
}
