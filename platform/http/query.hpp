// A request's query string as named parameters: decoded (percent escapes, '+' as a space) by
// Boost.URL, each name at most once, and only the names the route documents. Anything else is a
// 400 naming the parameter, so a misspelt filter never silently widens an answer.
#pragma once

#include "core/paging.hpp"
#include "core/result.hpp"

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace dps::http {

class query_params {
public:
    // The parameters of `query` (the text after '?'), or 400 invalid_parameter naming the first
    // unknown, repeated, empty or undecodable one.
    static result<query_params> parse(std::string_view query, std::initializer_list<std::string_view> allowed);

    std::optional<std::string> text(std::string_view name) const;
    // A positive id (dps_id=12): anything else is 400 naming the parameter.
    result<std::optional<std::int64_t>> id(std::string_view name) const;
    // An integer in [min, max] (financial_year=2025).
    result<std::optional<std::int64_t>> integer(std::string_view name, std::int64_t min, std::int64_t max) const;

    // limit (1 to page_request::kMaxLimit, default kDefaultLimit) and after (an id): 400 naming either.
    result<page_request> page() const;

private:
    std::map<std::string, std::string, std::less<>> values_;
};

// A list route's keyset page: the query string holds limit and after only (query_params::page).
result<page_request> page_of(std::string_view query);

// 400 invalid_parameter: "<why>", the detail naming the parameter.
error invalid_parameter(std::string_view name, const std::string& why);

} // namespace dps::http
