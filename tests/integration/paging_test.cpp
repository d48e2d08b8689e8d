// Keyset pages of GET /v1/call-offs (issue 11): every call-off once, in id order, across pages of
// `limit`; `next_after` null on the last page; the limit's bounds and unknown parameters refused
// with a 400 naming them; and the same pages for a provider, who sees only what it may.
#include "support/calloff_fixture.hpp"
#include "support/https_client.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <vector>

using namespace dps;
using namespace std::chrono;

namespace {

class paging : public test::calloff_fixture {
protected:
    // Walks every page of the list for `who`, `limit` at a time; the ids in the order given.
    std::vector<std::int64_t> walk(const std::string& who, int limit, int* pages)
    {
        std::vector<std::int64_t> ids;
        std::string path = "/v1/call-offs?limit=" + std::to_string(limit);
        *pages = 0;
        for (;;) {
            auto r = call(who, "GET", path);
            EXPECT_EQ(r.status, 200) << r.body;
            if (r.status != 200) break;
            ++*pages;
            const auto body = r.json().as_object();
            const auto& items = body.at("items").as_array();
            EXPECT_LE(items.size(), static_cast<std::size_t>(limit));
            for (const auto& c : items) ids.push_back(c.at("id").as_int64());
            if (body.at("next_after").is_null()) break;
            EXPECT_EQ(body.at("next_after").as_int64(), ids.back()) << "the next page starts after the last item";
            path = "/v1/call-offs?limit=" + std::to_string(limit) + "&after=" + std::to_string(body.at("next_after").as_int64());
            if (*pages > 20) break;
        }
        return ids;
    }
};

} // namespace

TEST_F(paging, EveryCallOffOnceInIdOrderAcrossPagesForTheCouncilAndTheProvider)
{
    const auto dps_id = open_dps("newham", "2024-02-01", "2026-03-08");
    admit("newham", "riverside", dps_id, "lot2");
    std::vector<std::int64_t> made;
    for (int i = 0; i < 7; ++i) made.push_back(published("newham", dps_id, "lot2", hourly_package("2024-05-01", 10, 12), "2024-03-20T12:00:00Z"));
    const auto draft = id_of(create("newham", dps_id, "lot2", hourly_package("2024-05-01", 10, 12), "2024-03-20T12:00:00Z"));

    int pages = 0;
    auto council_all = made;
    council_all.push_back(draft);
    EXPECT_EQ(walk("newham:commissioner", 3, &pages), council_all);
    EXPECT_EQ(pages, 3); // 3 + 3 + 2
    EXPECT_EQ(walk("riverside", 3, &pages), made) << "the provider pages through what it may see: no draft";
    EXPECT_EQ(pages, 3); // 3 + 3 + 1
    EXPECT_EQ(walk("riverside", 7, &pages), made);
    EXPECT_EQ(pages, 1) << "exactly a page: the store read one row more and found none";

    // The default page holds them all; after the last id, an empty last page.
    auto all = call("newham:commissioner", "GET", "/v1/call-offs").json().as_object();
    EXPECT_EQ(all.at("items").as_array().size(), council_all.size());
    EXPECT_TRUE(all.at("next_after").is_null());
    auto beyond = call("newham:commissioner", "GET", "/v1/call-offs?after=" + std::to_string(draft)).json().as_object();
    EXPECT_TRUE(beyond.at("items").as_array().empty());
    EXPECT_TRUE(beyond.at("next_after").is_null());
    // Bids counted on the council's page as on the whole list.
    EXPECT_EQ(call("riverside", "POST", co(made[1], "/bids"), {{"hourly_rate_pence", 2500}, {"hours_per_week", 10}, {"earliest_start", "2024-05-01"}}).status, 201);
    auto first_page = call("newham:commissioner", "GET", "/v1/call-offs?limit=2").json().as_object();
    EXPECT_EQ(first_page.at("items").as_array().at(1).at("bids_received").as_int64(), 1);
    EXPECT_EQ(first_page.at("items").as_array().at(0).at("bids_received").as_int64(), 0);
}

TEST_F(paging, ALimitOutOfBoundsOrAnUnknownParameterIsA400NamingIt)
{
    for (const std::string q : {"limit=0", "limit=501", "limit=ten", "after=0", "after=-3", "page=2", "limit=5&limit=6"}) {
        auto r = call("newham:commissioner", "GET", "/v1/call-offs?" + q);
        EXPECT_EQ(r.status, 400) << q << " " << r.body;
        if (r.status == 400) EXPECT_EQ(r.json().at("error").at("code"), "invalid_parameter") << q;
    }
    EXPECT_EQ(call("newham:commissioner", "GET", "/v1/call-offs?limit=500").status, 200);
    EXPECT_EQ(call("newham:commissioner", "GET", "/v1/call-offs?limit=1&after=99999").status, 200);
}

namespace {
class paging_contracts : public test::calloff_contracts_fixture {};
} // namespace

TEST_F(paging_contracts, TheCouncilsContractsComeInKeysetPagesToo)
{
    // Three call-offs bid on before the deadline, then each awarded and approved into a contract.
    const auto dps_id = open_dps("haringey", "2024-02-01", "2029-01-31");
    admit("haringey", "riverside", dps_id, "lot2");
    std::vector<std::int64_t> call_offs, made;
    for (int i = 0; i < 3; ++i) {
        call_offs.push_back(published("haringey", dps_id, "lot2", hourly_package("2024-05-01", 10, 12), "2024-03-20T12:00:00Z"));
        ASSERT_EQ(call("riverside", "POST", co(call_offs.back(), "/bids"),
                       {{"hourly_rate_pence", 2500}, {"hours_per_week", 10}, {"earliest_start", "2024-05-01"}}).status, 201);
    }
    move_to(year{2024} / March / 21);
    for (const auto id : call_offs) {
        ASSERT_EQ(call("haringey:commissioner", "POST", co(id, "/evaluation")).status, 200);
        auto a = call("haringey:commissioner", "POST", co(id, "/award"), boost::json::object{});
        ASSERT_EQ(a.status, 201) << a.body;
        const std::string authority{a.json().at("approvals").at(0).at("authority").as_string()};
        auto approved = call("haringey:" + authority, "POST", approvals(a), {{"decision", "approve"}});
        ASSERT_EQ(approved.status, 200) << approved.body;
        made.push_back(approved.json().at("contract_id").as_int64());
    }
    auto first = call("haringey:commissioner", "GET", "/v1/contracts?limit=2");
    ASSERT_EQ(first.status, 200) << first.body;
    const auto page1 = first.json().as_object();
    ASSERT_EQ(page1.at("items").as_array().size(), 2u);
    EXPECT_EQ(page1.at("items").as_array().at(0).at("id").as_int64(), made[0]);
    ASSERT_FALSE(page1.at("next_after").is_null());
    auto second = call("haringey:commissioner", "GET", "/v1/contracts?limit=2&after=" + std::to_string(page1.at("next_after").as_int64()));
    const auto page2 = second.json().as_object();
    ASSERT_EQ(page2.at("items").as_array().size(), 1u);
    EXPECT_EQ(page2.at("items").as_array().at(0).at("id").as_int64(), made[2]);
    EXPECT_TRUE(page2.at("next_after").is_null());
    EXPECT_EQ(call("haringey:commissioner", "GET", "/v1/contracts?limit=501").status, 400);
    EXPECT_EQ(call("haringey:commissioner", "GET", "/v1/contracts?status=active").status, 400) << "no such filter: named, not ignored";
}
