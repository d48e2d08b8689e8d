// The personal-data check on package text (issue 15, defect 1: std::regex overflowed the stack on
// long runs of spaces): any text, of any length up to the body limit, is scanned in linear time
// without recursion, and the combined check agrees with the individual scanners.
#include "calloff/anonymity.hpp"
#include "calloff/personal_data.hpp"

#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace dps::calloff;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const bool any = has_full_postcode(text) || has_nhs_number(text) || has_date(text) || has_birth_word(text) || has_name(text);
    if (find_personal_data(text).has_value() != any) std::abort();
    (void)is_postcode_district(text);

    // The same text where a package carries it: the length limit applies before any scanning.
    boost::json::object package{{"category", "home care"},  {"hours_per_week", 10}, {"area", "E15"},
                                {"start_date", "2024-04-01"}, {"duration_weeks", 12},
                                {"requirements", boost::json::array{boost::json::string(text)}}};
    auto read = read_package(package);
    if (read && any) std::abort(); // text naming a child must never be accepted
    return 0;
}
