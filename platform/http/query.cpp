#include "http/query.hpp"

#include <boost/url/params_view.hpp>
#include <boost/url/parse_query.hpp>

#include <algorithm>
#include <charconv>
#include <limits>

namespace dps::http {

error invalid_parameter(std::string_view name, const std::string& why)
{
    return make_error(error_kind::bad_request, "invalid_parameter", std::string{name} + ": " + why, std::string{name});
}

result<query_params> query_params::parse(std::string_view query, std::initializer_list<std::string_view> allowed)
{
    query_params out;
    if (query.empty()) return out;
    auto encoded = boost::urls::parse_query(query);
    if (!encoded) return invalid_parameter("query", "the query string is not well formed");
    boost::urls::encoding_opts opts;
    opts.space_as_plus = true;
    std::string names;
    for (auto a : allowed) names += (names.empty() ? "" : ", ") + std::string{a};
    for (const auto& p : boost::urls::params_view(boost::core::string_view{query.data(), query.size()}, opts)) {
        if (std::find(allowed.begin(), allowed.end(), p.key) == allowed.end())
            return invalid_parameter(p.key.empty() ? "query" : p.key,
                                     allowed.size() ? "unknown parameter; this route takes " + names : "this route takes no parameters");
        if (!p.has_value || p.value.empty()) return invalid_parameter(p.key, "a value is required");
        if (!out.values_.emplace(p.key, p.value).second) return invalid_parameter(p.key, "given more than once");
    }
    return out;
}

std::optional<std::string> query_params::text(std::string_view name) const
{
    auto it = values_.find(name);
    if (it == values_.end()) return std::nullopt;
    return it->second;
}

result<std::optional<std::int64_t>> query_params::integer(std::string_view name, std::int64_t min, std::int64_t max) const
{
    auto v = text(name);
    if (!v) return std::optional<std::int64_t>{};
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc{} || end != v->data() + v->size() || n < min || n > max)
        return invalid_parameter(name, "a whole number from " + std::to_string(min) + " to " + std::to_string(max));
    return std::optional<std::int64_t>{n};
}

result<page_request> query_params::page() const
{
    page_request asked;
    auto limit = integer("limit", 1, page_request::kMaxLimit);
    if (!limit) return limit.err();
    if (*limit) asked.limit = **limit;
    auto after = id("after");
    if (!after) return after.err();
    asked.after = *after;
    return asked;
}

result<page_request> page_of(std::string_view query)
{
    auto q = query_params::parse(query, {"limit", "after"});
    if (!q) return q.err();
    return q->page();
}

result<std::optional<std::int64_t>> query_params::id(std::string_view name) const
{
    return integer(name, 1, std::numeric_limits<std::int64_t>::max());
}

} // namespace dps::http
