// The personal-data scanners: the regression for issue 15's stack overflow, and a differential test
// against the std::regex patterns they replace (run here only on short texts, where regex is safe).
#include "calloff/anonymity.hpp"
#include "calloff/personal_data.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <array>
#include <random>
#include <regex>

namespace dps::calloff {
namespace {

// The patterns the scanners replace, verbatim.
const std::regex kFullPostcode{R"((^|[^A-Za-z0-9])[A-Za-z]{1,2}[0-9][A-Za-z0-9]?\s*[0-9][A-Za-z]{2}($|[^A-Za-z0-9]))"};
const std::regex kNhsNumber{R"((^|[^0-9])[0-9]{3}[ -]?[0-9]{3}[ -]?[0-9]{4}($|[^0-9]))"};
const std::regex kDate{R"(([0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{2,4})|([0-9]{4}-[0-9]{2}-[0-9]{2})|)"
                       R"(([0-9]{1,2}(st|nd|rd|th)? (jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]* [0-9]{4}))",
                       std::regex::icase};
const std::regex kBirth{R"(\b(born|d\.?o\.?b\.?|date of birth|birthday)\b)", std::regex::icase};
const std::regex kNameLabel{R"(\b(name|child|surname|forename)\s*[:=])", std::regex::icase};
const std::regex kNamed{R"(\b(named|called|[Mm]r|[Mm]rs|[Mm]s|[Mm]iss)\.?\s+[A-Z][a-z])"};
const std::regex kDistrict{R"(^[A-Z]{1,2}[0-9][A-Z0-9]?$)"};

TEST(PersonalData, FindsEachKind)
{
    EXPECT_TRUE(has_full_postcode("lives near E15 4HT now"));
    EXPECT_TRUE(has_full_postcode("SW1A1AA"));
    EXPECT_FALSE(has_full_postcode("area E15 only"));
    EXPECT_TRUE(has_nhs_number("nhs 943 476 5919"));
    EXPECT_TRUE(has_nhs_number("9434765919"));
    EXPECT_FALSE(has_nhs_number("94347659190"));
    EXPECT_TRUE(has_date("born 12/03/2015"));
    EXPECT_TRUE(has_date("from 2015-03-12"));
    EXPECT_TRUE(has_date("on 12th March 2015"));
    EXPECT_TRUE(has_birth_word("D.O.B. unknown"));
    EXPECT_TRUE(has_birth_word("her birthday"));
    EXPECT_FALSE(has_birth_word("reborn"));
    EXPECT_TRUE(has_name("Name: Jane"));
    EXPECT_TRUE(has_name("a boy called Sam"));
    EXPECT_TRUE(has_name("Mrs. Smith"));
    EXPECT_FALSE(has_name("needs a named worker"));
    EXPECT_TRUE(is_postcode_district("SW1A"));
    EXPECT_FALSE(is_postcode_district("sw1a"));
}

// Regression (issue 15, defect 1): these crashed dpsd with SIGSEGV inside std::regex_search.
TEST(PersonalData, LongRunsOfSpacesDoNotRecurse)
{
    for (std::string head : {"name", "A1", "Mr", "12th", "child"}) {
        const std::string text = head + std::string(200000, ' ') + "x";
        EXPECT_FALSE(find_personal_data(text).has_value()) << head;
    }
    EXPECT_TRUE(has_name("name" + std::string(100000, ' ') + ":"));
    EXPECT_TRUE(has_full_postcode("A1" + std::string(100000, ' ') + "1AA"));
}

TEST(PersonalData, APackageWithALongTextIsRefusedBeforeScanning)
{
    boost::json::object body{{"category", "home care"}, {"area", "E15"}, {"start_date", "2027-01-04"},
                             {"duration_weeks", 12}, {"hours_per_week", 10}};
    body["requirements"] = "name" + std::string(35000, ' ');
    auto p = read_package(body);
    ASSERT_FALSE(p);
    EXPECT_EQ(p.err().code, "invalid_field");
    boost::json::array list;
    list.emplace_back("A1" + std::string(40000, ' '));
    body["requirements"] = list;
    EXPECT_FALSE(read_package(body));
    body["category"] = "Mr" + std::string(40000, ' ');
    body["requirements"] = "needs";
    EXPECT_FALSE(read_package(body));
}

// Random short texts over an alphabet that makes every pattern likely: each scanner must agree
// with the regex it replaces on every one.
TEST(PersonalData, AgreesWithTheRegexesItReplaces)
{
    const std::vector<std::string> pieces{"E", "15", "4HT", " ", "  ", "\t", "SW1A", "1AA", "a", "B", "0", "9", "-", "/", ".", ":", "=",
                                          "_", "943", "476", "5919", "2015", "03", "12", "th", "st", "Mar", "march", "JAN", " 2015",
                                          "born", "d", "o", "b", "date of birth", "birthday", "name", "Name", "child", "surname",
                                          "forename", "named", "called", "Mr", "mrs", "Ms", "Miss", "Jane", "x", "ab", "943 476", "E15 4HT",
                                          "12/03/1", "9434765919"};
    std::mt19937 gen(20261201);
    std::uniform_int_distribution<std::size_t> pick(0, pieces.size() - 1), count(1, 9);
    std::array<int, 5> positives{};
    for (int n = 0; n < 40000; ++n) {
        std::string text;
        for (std::size_t k = count(gen); k > 0; --k) text += pieces[pick(gen)];
        const bool postcode = std::regex_search(text, kFullPostcode), nhs = std::regex_search(text, kNhsNumber),
                   date = std::regex_search(text, kDate), birth = std::regex_search(text, kBirth),
                   name = std::regex_search(text, kNameLabel) || std::regex_search(text, kNamed);
        ASSERT_EQ(has_full_postcode(text), postcode) << "'" << text << "'";
        ASSERT_EQ(has_nhs_number(text), nhs) << "'" << text << "'";
        ASSERT_EQ(has_date(text), date) << "'" << text << "'";
        ASSERT_EQ(has_birth_word(text), birth) << "'" << text << "'";
        ASSERT_EQ(has_name(text), name) << "'" << text << "'";
        ASSERT_EQ(is_postcode_district(text), std::regex_match(text, kDistrict)) << "'" << text << "'";
        positives[0] += postcode, positives[1] += nhs, positives[2] += date, positives[3] += birth, positives[4] += name;
    }
    for (int found : positives) EXPECT_GT(found, 20); // the alphabet does exercise every pattern
}

} // namespace
} // namespace dps::calloff
