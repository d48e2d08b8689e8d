// Building the release package. OCDS 1.1.5 (standard.open-contracting.org): a release needs ocid,
// id, date, tag and initiationType; parties carry roles; amounts are Value {amount, currency}.
#include "opendata/ocds_service.hpp"

#include "calloff/personal_data.hpp"
#include "db/database.hpp"
#include "identity/identity_service.hpp"
#include "opendata/ocds_store.hpp"

#include <boost/json.hpp>

#include <charconv>

namespace dps::opendata {
namespace {

namespace json = boost::json;

constexpr const char* kTechniquesExtension =
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_techniques_extension/master/extension.json";
constexpr const char* kUkExtension =
    "https://raw.githubusercontent.com/cabinetoffice/ocds_uk_extension/main/extension.json";

// A stored date ("2024-05-01") as the instant it begins in London, which OCDS periods want.
std::string start_of_day(const std::string& date)
{
    int y = 0;
    unsigned m = 0, d = 0;
    if (date.size() != 10 || std::from_chars(date.data(), date.data() + 4, y).ec != std::errc{} ||
        std::from_chars(date.data() + 5, date.data() + 7, m).ec != std::errc{} ||
        std::from_chars(date.data() + 8, date.data() + 10, d).ec != std::errc{})
        return date;
    return format_timestamp(london_midnight(std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}));
}

// Pence as pounds: OCDS amounts are numbers in the currency's unit. Exact for any pence value below
// 2^53, far above any contract here.
json::object gbp(std::int64_t pence)
{
    return {{"amount", static_cast<double>(pence) / 100.0}, {"currency", "GBP"}};
}

std::string party_id(const char* kind, std::int64_t id) { return std::string{kind} + "-" + std::to_string(id); }

json::object party_ref(const std::string& id, const std::string& name) { return {{"id", id}, {"name", name}}; }

// The package's words that open data may carry: its category if free of personal data, and its area
// only when it is a postcode district (E15), never a full postcode.
json::object package_summary(const std::string& package_text, const std::string& lot_code)
{
    boost::system::error_code ec;
    auto v = json::parse(package_text, ec);
    std::string category, area;
    if (!ec && v.is_object()) {
        if (auto* c = v.as_object().if_contains("category"); c && c->is_string()) category = c->as_string().c_str();
        if (auto* a = v.as_object().if_contains("area"); a && a->is_string()) area = a->as_string().c_str();
    }
    if (calloff::find_personal_data(category)) category.clear();
    if (!calloff::is_postcode_district(area)) area.clear();
    std::string title = "Lot " + lot_code + (category.empty() ? "" : ": " + category) + (area.empty() ? "" : ", " + area);
    json::object out{{"title", title}};
    if (!area.empty()) out["deliveryAddresses"] = json::array{json::object{{"postalCode", area}, {"countryName", "United Kingdom"}}};
    return out;
}

// The DPS's state in the techniques extension's dynamicPurchasingSystemStatus codelist, and in
// OCDS's tenderStatus for its tender and lots. Switches over every state: a new one does not compile
// until it is placed.
const char* dps_code(purchasing::dps_status s)
{
    using enum purchasing::dps_status;
    switch (s) {
    case draft: return "pending";
    case open:
    case suspended: return "active"; // a suspended DPS still stands
    case expired:
    case closed: return "terminated";
    }
    return "active";
}

const char* dps_tender_status(purchasing::dps_status s)
{
    using enum purchasing::dps_status;
    switch (s) {
    case draft: return "planning";
    case open:
    case suspended: return "active";
    case expired:
    case closed: return "complete";
    }
    return "active";
}

const char* call_off_tender_status(calloff::call_off_status s)
{
    using enum calloff::call_off_status;
    switch (s) {
    case draft: // never exported (the store leaves drafts out)
    case open:
    case evaluated:
    case negotiating:
    case awarding: return "active"; // still being decided
    case awarded: return "complete";
    case unfilled: return "unsuccessful";
    case cancelled: return "cancelled";
    }
    return "active";
}

} // namespace

result<json::object> ocds_service::release_package(const identity::acting& by, std::int64_t dps_id)
{
    if (!by.council()) return make_error(error_kind::forbidden, "forbidden", "open data is published by the council that leads the DPS");
    const std::int64_t me = *by.caller->tenant_id;
    auto activity = db_.read_value<dps_activity>(by.data_scope(), [&](soci::session& sql) -> result<dps_activity> {
        auto d = store::dps_led_by(sql, dps_id, me);
        if (!d) return make_error(error_kind::not_found, "not_found", "no such DPS led by your council");
        return dps_activity{std::move(*d), store::published_call_offs(sql, dps_id)};
    });
    if (!activity) return activity.err();
    const auto& d = activity->dps;
    const std::string dps_ocid = prefix_ + "-dps-" + std::to_string(d.id);
    const std::string lead_id = party_id("tenant", d.lead.id);

    json::array releases;
    {
        json::array lots;
        for (const auto& l : d.lots) lots.push_back(json::object{{"id", l.code}, {"title", l.name}, {"status", dps_tender_status(d.status)}});
        json::object tender{{"id", "dps-" + std::to_string(d.id)},
                            {"title", d.title},
                            {"status", dps_tender_status(d.status)},
                            {"procurementMethod", "selective"},
                            {"procurementMethodDetails", d.regime},
                            {"mainProcurementCategory", "services"},
                            {"procuringEntity", party_ref(lead_id, d.lead.name)},
                            {"contractPeriod", json::object{{"startDate", start_of_day(d.term_starts_on)}, {"endDate", start_of_day(d.term_ends_on)}}},
                            {"techniques", json::object{{"hasDynamicPurchasingSystem", true},
                                                        {"dynamicPurchasingSystem", json::object{{"type", "closed"}, {"status", dps_code(d.status)}}}}},
                            {"lots", std::move(lots)}};
        releases.push_back(json::object{{"ocid", dps_ocid},
                                        {"id", dps_ocid + "-" + d.updated_at},
                                        {"date", d.updated_at},
                                        {"tag", json::array{"tender"}},
                                        {"initiationType", "tender"},
                                        {"language", "en"},
                                        {"parties", json::array{json::object{{"id", lead_id}, {"name", d.lead.name}, {"roles", json::array{"buyer", "procuringEntity"}}}}},
                                        {"buyer", party_ref(lead_id, d.lead.name)},
                                        {"tender", std::move(tender)}});
    }
    for (const auto& c : activity->call_offs) {
        const std::string ocid = prefix_ + "-calloff-" + std::to_string(c.id);
        const std::string buyer_id = party_id("tenant", c.buyer.id);
        json::array parties{json::object{{"id", buyer_id}, {"name", c.buyer.name}, {"roles", json::array{"buyer", "procuringEntity"}}}};
        json::object summary = package_summary(c.package_text, c.lot_code);
        json::object tender{{"id", "call-off-" + std::to_string(c.id)},
                            {"title", summary.at("title")},
                            {"status", call_off_tender_status(c.status)},
                            {"procurementMethod", "selective"},
                            {"procurementMethodDetails", "call-off from a dynamic purchasing system (mini-competition)"},
                            {"mainProcurementCategory", "services"},
                            {"procuringEntity", party_ref(buyer_id, c.buyer.name)},
                            {"tenderPeriod", json::object{{"startDate", c.published_at}, {"endDate", c.bid_deadline}}},
                            {"lots", json::array{json::object{{"id", c.lot_code}}}}};
        if (auto* addresses = summary.if_contains("deliveryAddresses"))
            tender["items"] = json::array{json::object{{"id", "1"}, {"description", summary.at("title")}, {"deliveryAddresses", *addresses}}};
        json::array tags{"tender"};
        json::object release{{"ocid", ocid},
                             {"initiationType", "tender"},
                             {"language", "en"},
                             {"buyer", party_ref(buyer_id, c.buyer.name)},
                             {"relatedProcesses", json::array{json::object{{"id", "1"}, {"relationship", json::array{"framework"}},
                                                                           {"title", d.title}, {"scheme", "ocid"}, {"identifier", dps_ocid}}}}};
        std::string date = c.updated_at;
        if (c.let) {
            const auto& k = *c.let;
            const std::string supplier_id = party_id("provider", k.supplier.id);
            parties.push_back(json::object{{"id", supplier_id}, {"name", k.supplier.name}, {"roles", json::array{"supplier", "tenderer"}}});
            const std::string award_id = "award-" + std::to_string(k.award_id);
            release["awards"] = json::array{json::object{{"id", award_id}, {"status", "active"}, {"date", k.created_at}, {"value", gbp(k.value_pence)},
                                                         {"suppliers", json::array{party_ref(supplier_id, k.supplier.name)}},
                                                         {"relatedLots", json::array{c.lot_code}}}};
            release["contracts"] = json::array{json::object{{"id", "contract-" + std::to_string(k.id)}, {"awardID", award_id},
                                                            {"status", k.status == calloff::contract_status::active ? "active" : "terminated"},
                                                            {"value", gbp(k.value_pence)}, {"dateSigned", k.created_at},
                                                            {"period", json::object{{"startDate", start_of_day(k.starts_on)}, {"endDate", start_of_day(k.ends_on)}}}}};
            tags = json::array{"award", "contract"};
            if (k.created_at > date) date = k.created_at;
        }
        release["id"] = ocid + "-" + date;
        release["date"] = date;
        release["tag"] = std::move(tags);
        release["parties"] = std::move(parties);
        release["tender"] = std::move(tender);
        releases.push_back(std::move(release));
    }
    const std::string now = format_timestamp(clock_.now());
    return json::object{{"uri", "urn:dps:ocds:" + dps_ocid + ":" + now},
                        {"version", "1.1"},
                        {"publishedDate", now},
                        {"publisher", json::object{{"name", d.lead.name}}},
                        {"extensions", json::array{kTechniquesExtension, kUkExtension}},
                        {"releases", std::move(releases)}};
}

} // namespace dps::opendata
