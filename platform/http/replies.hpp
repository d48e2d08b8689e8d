// Mapping a service's result to a response, the same way in every routes file: the value's
// to_json (found by argument-dependent lookup in the value's namespace) or the error envelope.
#pragma once

#include "core/paging.hpp"
#include "core/result.hpp"
#include "http/json_input.hpp"
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
response reply_list(const request& req, const result<std::vector<T>>& r, int status = 200)
{
    if (!r) return error_response(r.err(), req.request_id);
    boost::json::array items;
    for (const auto& item : *r) items.push_back(to_json(item));
    return json_response(status, boost::json::object{{"items", std::move(items)}});
}

// {"items": [...], "next_after": id or null}: pass next_after as ?after= for the next page.
template <class T>
response reply_page(const request& req, const result<page<T>>& r)
{
    if (!r) return error_response(r.err(), req.request_id);
    boost::json::array items;
    for (const auto& item : r->items) items.push_back(to_json(item));
    boost::json::value next = nullptr;
    if (r->next_after) next = *r->next_after;
    return json_response(200, boost::json::object{{"items", std::move(items)}, {"next_after", std::move(next)}});
}

inline response no_content(const request& req, const status& s)
{
    if (!s) return error_response(s.err(), req.request_id);
    response r;
    r.status = 204;
    return r;
}

// The path's id parameter, then the step on it; an id that is not one ("abc", 0) names nothing: 404.
template <class F>
response with_id(const request& req, const char* param, F&& f)
{
    auto id = id_param(req.param(param));
    if (!id) return error_response(id.err(), req.request_id);
    return f(*id);
}

} // namespace dps::http
