// The lot's requirements against a provider's profile (dps/eligibility.hpp).
#include "dps/eligibility.hpp"

#include <boost/json.hpp>

#include <cctype>

namespace dps::purchasing {
namespace {

int rating_rank(const std::string& rating)
{
    if (rating == "outstanding") return 4;
    if (rating == "good") return 3;
    if (rating == "requires_improvement") return 2;
    if (rating == "inadequate") return 1;
    return 0;
}

std::string rating_words(const std::string& rating)
{
    if (rating == "requires_improvement") return "Requires improvement";
    if (rating.empty()) return "no rating";
    std::string out = rating;
    out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
    return out;
}

std::string str_field(const boost::json::object& o, const char* key)
{
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->get_string()) : std::string{};
}

} // namespace

boost::json::array check_requirements(const lot& l, const provider_profile& p, const std::string& today)
{
    boost::json::array checks;
    auto add = [&](const char* criterion, bool passed, const std::string& detail) {
        checks.push_back({{"criterion", criterion}, {"passed", passed}, {"detail", detail}});
    };
    const std::string regulator = str_field(l.requirements, "regulator");
    const std::string minimum = str_field(l.requirements, "minimum_rating");
    const bool cqc = regulator == "cqc" || (regulator.empty() && !minimum.empty() && p.cqc_rating);
    const std::string rating = (cqc ? p.cqc_rating : p.ofsted_rating).value_or("");
    const char* body = cqc ? "CQC" : "Ofsted";
    if (!regulator.empty()) {
        const bool registered = cqc ? (p.cqc_provider_id || p.cqc_location_id) : p.ofsted_urn.has_value();
        add("regulator", registered && !rating.empty(),
            registered && !rating.empty() ? std::string{"registered with "} + body + ", rated " + rating_words(rating)
                                          : std::string{"the lot requires "} + body + " registration with a current rating");
    }
    if (!minimum.empty()) {
        const bool ok = rating_rank(rating) >= rating_rank(minimum);
        add("minimum_rating", ok,
            std::string{body} + " rating " + rating_words(rating) + (ok ? " meets " : " is below ") + "the lot's minimum of " +
                rating_words(minimum));
    }
    const std::string wage = str_field(l.requirements, "living_wage");
    if (!wage.empty()) {
        const std::string held = p.living_wage_commitment.value_or("none");
        const bool ok = held == wage || (wage == "real_living_wage" && held == "london_living_wage");
        add("living_wage", ok, ok ? "commits to the " + wage : "the lot requires a " + wage + " commitment; the provider's is " + held);
    }
    const bool needs_insurance = l.requirements.contains("public_liability_pence") || l.requirements.contains("employers_liability_pence");
    if (needs_insurance || p.insurance_expires_on) {
        const bool ok = p.insurance_expires_on && *p.insurance_expires_on >= today;
        add("insurance", ok,
            ok ? "insured until " + *p.insurance_expires_on
               : (p.insurance_expires_on ? "insurance expired on " + *p.insurance_expires_on : std::string{"no insurance on record"}));
    }
    return checks;
}

} // namespace dps::purchasing
