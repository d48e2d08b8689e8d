// Open data (issue 12): GET /v1/ocds/releases?dps_id= gives the lead council its DPS and the
// call-offs on it (a partner's too) as an OCDS 1.1 release package. Checked here for what it says,
// what it leaves out (no call-off title or requirement), who may read it, and validated against the
// OCDS 1.1.5 release-package schema with the techniques and UK extensions (tests/ocds/validate_ocds.py).
#include "support/calloff_fixture.hpp"
#include "support/https_client.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace dps;
using namespace std::chrono;

namespace {

class ocds : public test::calloff_fixture {};

const boost::json::object* release_with_ocid(const boost::json::array& releases, const std::string& ocid)
{
    for (const auto& r : releases)
        if (r.at("ocid").as_string() == ocid) return &r.as_object();
    return nullptr;
}

} // namespace

TEST_F(ocds, TheLeadPublishesItsDpsAndEveryCallOffOnItAsAValidReleasePackage)
{
    const auto dps_id = open_dps("newham", "2024-02-01", "2026-03-08");
    admit("newham", "riverside", dps_id, "lot2");
    join("newham", "waltham-forest", dps_id, {"lot2"}, "2024-02-01", "2026-03-08");
    // Waltham Forest's call-off, let as a contract; Newham's own, still open; a draft, not published.
    boost::json::object placement = hourly_package("2024-05-01", 10, 12);
    placement["area"] = "E17";
    const auto let = published("waltham-forest", dps_id, "lot2", placement, "2024-03-20T12:00:00Z");
    ASSERT_EQ(call("riverside", "POST", co(let, "/bids"), {{"hourly_rate_pence", 2500}, {"hours_per_week", 10}, {"earliest_start", "2024-05-01"}}).status, 201);
    const auto open = published("newham", dps_id, "lot2", hourly_package("2024-05-01", 10, 12), "2024-03-20T12:00:00Z");
    const auto draft = id_of(create("newham", dps_id, "lot2", hourly_package("2024-05-01", 10, 12), "2024-03-20T12:00:00Z"));
    move_to(year{2024} / March / 21);
    ASSERT_EQ(call("waltham-forest:commissioner", "POST", co(let, "/evaluation")).status, 200);
    auto award = call("waltham-forest:commissioner", "POST", co(let, "/award"), boost::json::object{});
    ASSERT_EQ(award.status, 201) << award.body;
    const std::string authority{award.json().at("approvals").at(0).at("authority").as_string()};
    auto approved = call("waltham-forest:" + authority, "POST", "/v1/awards/" + std::to_string(id_of(award)) + "/approvals", {{"decision", "approve"}});
    ASSERT_EQ(approved.status, 200) << approved.body;

    auto reply = call("newham:commissioner", "GET", "/v1/ocds/releases?dps_id=" + std::to_string(dps_id));
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_NE(reply.header("content-disposition").find("ocds-dps-"), std::string::npos);
    const auto package = reply.json().as_object();
    EXPECT_EQ(package.at("version"), "1.1");
    const auto& releases = package.at("releases").as_array();
    ASSERT_EQ(releases.size(), 3u) << "the DPS and two published call-offs; not the draft";
    const std::string dps_ocid = "ocds-dpsdev-dps-" + std::to_string(dps_id);
    const auto* dps = release_with_ocid(releases, dps_ocid);
    ASSERT_NE(dps, nullptr);
    EXPECT_EQ(dps->at("tender").at("techniques").at("hasDynamicPurchasingSystem"), true);
    EXPECT_EQ(dps->at("tender").at("techniques").at("dynamicPurchasingSystem").at("type"), "closed");
    EXPECT_EQ(release_with_ocid(releases, "ocds-dpsdev-calloff-" + std::to_string(draft)), nullptr);

    const auto* contracted = release_with_ocid(releases, "ocds-dpsdev-calloff-" + std::to_string(let));
    ASSERT_NE(contracted, nullptr) << "the lead publishes its partner's call-off too";
    EXPECT_EQ(contracted->at("relatedProcesses").at(0).at("identifier").as_string(), dps_ocid);
    EXPECT_EQ(contracted->at("relatedProcesses").at(0).at("relationship").at(0), "framework");
    EXPECT_EQ(contracted->at("tag"), (boost::json::array{"award", "contract"}));
    const auto& value = contracted->at("contracts").at(0).at("value").as_object();
    EXPECT_EQ(value.at("currency"), "GBP");
    EXPECT_DOUBLE_EQ(value.at("amount").to_number<double>(), 2500.0 * 10 * 12 / 100.0); // £25 an hour, 10 hours, 12 weeks
    EXPECT_EQ(contracted->at("tender").at("title").as_string(), "Lot lot2: " + std::string{placement.at("category").as_string()} + ", E17");
    const auto* pending = release_with_ocid(releases, "ocds-dpsdev-calloff-" + std::to_string(open));
    ASSERT_NE(pending, nullptr);
    EXPECT_EQ(pending->at("tag"), (boost::json::array{"tender"}));
    EXPECT_FALSE(pending->contains("awards"));
    // Nothing a commissioner wrote about the package leaves: no title, no requirements.
    const std::string text = reply.body;
    EXPECT_EQ(text.find("Package lot2"), std::string::npos) << "call-off titles stay private";
    EXPECT_EQ(text.find("requirements"), std::string::npos);

    // Valid OCDS: the published schema with the techniques and UK extensions, and the rules beside it.
    const auto file = std::filesystem::temp_directory_path() / ("ocds-test-" + std::to_string(::getpid()) + ".json");
    std::ofstream{file} << text;
    const std::string command = std::string{"/usr/bin/python3 "} + DPS_SOURCE_DIR + "/tests/ocds/validate_ocds.py --prefix ocds-dpsdev " +
                                file.string() + " > " + file.string() + ".out 2>&1";
    const int rc = std::system(command.c_str());
    std::ifstream out{file.string() + ".out"};
    const std::string report{std::istreambuf_iterator<char>{out}, std::istreambuf_iterator<char>{}};
    EXPECT_EQ(rc, 0) << report;
    std::filesystem::remove(file);
    std::filesystem::remove(file.string() + ".out");
}

TEST_F(ocds, OnlyTheLeadReadsItAndDpsIdIsRequired)
{
    const auto dps_id = open_dps("newham", "2024-02-01", "2026-03-08");
    join("newham", "waltham-forest", dps_id, {"lot2"}, "2024-02-01", "2026-03-08");
    const std::string path = "/v1/ocds/releases?dps_id=" + std::to_string(dps_id);
    EXPECT_EQ(call("waltham-forest:commissioner", "GET", path).status, 404) << "a partner does not publish the lead's DPS";
    EXPECT_EQ(call("haringey:commissioner", "GET", path).status, 404);
    EXPECT_EQ(call("riverside", "GET", path).status, 403);
    EXPECT_EQ(call("newham:commissioner", "GET", "/v1/ocds/releases").status, 400);
    EXPECT_EQ(call("newham:commissioner", "GET", "/v1/ocds/releases?dps_id=abc").status, 400);
    EXPECT_EQ(call("newham:commissioner", "GET", path + "&format=xml").status, 400);
    EXPECT_EQ(call("newham:commissioner", "GET", path).status, 200);
}
