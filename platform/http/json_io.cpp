// Boost.JSON parsing with positions, and the error envelope.
#include "http/json_io.hpp"

#include <boost/json.hpp>

namespace dps::http {

const std::string* request::header(std::string_view name) const
{
    for (const auto& [k, v] : headers)
        if (k == name) return &v;
    return nullptr;
}

const std::string& request::param(const std::string& name) const
{
    static const std::string empty;
    auto it = path_params.find(name);
    return it == path_params.end() ? empty : it->second;
}

result<boost::json::value> parse_json_body(std::string_view body)
{
    if (body.empty()) return make_error(error_kind::bad_request, "invalid_json", "the request body is empty; a JSON document was expected");
    boost::json::parse_options options;
    options.max_depth = 64;
    boost::json::stream_parser parser({}, options);
    boost::system::error_code ec;
    std::size_t consumed = parser.write_some(body.data(), body.size(), ec);
    if (!ec && consumed < body.size()) ec = boost::json::error::extra_data;
    if (!ec) parser.finish(ec);
    if (ec) {
        std::size_t line = 1, column = 1;
        for (std::size_t i = 0; i < consumed && i < body.size(); ++i) {
            if (body[i] == '\n') { ++line; column = 1; }
            else ++column;
        }
        return make_error(error_kind::bad_request, "invalid_json",
                          "invalid JSON at line " + std::to_string(line) + ", column " + std::to_string(column) +
                              " (byte " + std::to_string(consumed) + "): " + ec.message());
    }
    return parser.release();
}

response json_response(int status, const boost::json::value& body)
{
    response r;
    r.status = status;
    r.body = boost::json::serialize(body);
    return r;
}

response error_response(const error& e, std::string_view request_id)
{
    boost::json::object inner{{"code", e.code}, {"message", e.message}, {"request_id", request_id}};
    auto r = json_response(http_status(e.kind), boost::json::object{{"error", std::move(inner)}});
    // The database or a gate is momentarily unavailable: clients and proxies may retry after a second
    // (a connection pool recovers as soon as PostgreSQL is back; scripts/chaos measures it).
    if (e.kind == error_kind::unavailable) r.headers.emplace_back("Retry-After", "1");
    return r;
}

} // namespace dps::http
