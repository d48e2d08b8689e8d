// Mapping a service's result to a response, the same way in every routes file: the value's
// to_json (found by argument-dependent lookup in the value's namespace) or the error envelope.
#pragma once

#include "core/result.hpp"
#include "http/json_io.hpp"
#include "http/message.hpp"

#include <boost/json/array.hpp>

#include <vector>

namespace dps::http {

template <class T>
response reply(const request& req, const result<T>& r, int status = 200)
{
    if (!r) return error_response(r.err(), req.request_id);
    return json_response(status, to_json(*r));
}

// {"items": [...]}
template <class T>
response reply_list(const request& req, const result<std::vector<T>>& r)
{
    if (!r) return error_response(r.err(), req.request_id);
    boost::json::array items;
    for (const auto& item : *r) items.push_back(to_json(item));
    return json_response(200, boost::json::object{{"items", std::move(items)}});
}

inline response no_content(const request& req, const status& s)
{
    if (!s) return error_response(s.err(), req.request_id);
    response r;
    r.status = 204;
    return r;
}

} // namespace dps::http
