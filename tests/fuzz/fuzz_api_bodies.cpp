// Every JSON body parser, directly: the first byte picks a route that takes a JSON body, the second
// who calls it (a token allowed on most of them), the third and fourth the ids in its path; the rest
// is the body. The real router, guard and services run over SQLite; a crash, sanitizer report or 500
// is a defect.
#include "fuzz_platform.hpp"

#include "http/router.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace {

const std::vector<const dps::http::route*>& json_routes()
{
    static const auto routes = [] {
        std::vector<const dps::http::route*> out;
        for (const auto& r : dps::fuzz::the_platform().app->routes().routes())
            if (r.options.body == dps::http::body_kind::json) out.push_back(&r);
        return out;
    }();
    return routes;
}

// The pattern with each {param} replaced by a small id (objects 1 to 4 exist once the fuzzer has
// created some).
std::string fill(const std::string& pattern, std::uint8_t a, std::uint8_t b)
{
    std::string out;
    int which = 0;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] != '{') {
            out += pattern[i];
            continue;
        }
        const auto close = pattern.find('}', i);
        const auto name = pattern.substr(i + 1, close - i - 1);
        const std::uint8_t pick = which++ == 0 ? a : b;
        if (name == "lot_code") out += pick % 2 ? "lot2" : "lot1";
        else if (name == "version") out += std::to_string(pick % 3 + 1);
        else out += std::to_string(pick % 4 + 1);
        i = close;
    }
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 4) return 0;
    auto& p = dps::fuzz::the_platform();
    const auto& routes = json_routes();
    const auto* r = routes[data[0] % routes.size()];
    static const char* callers[] = {"@COMM@", "@ADMIN@", "@BID@", "@PADMIN@", "@FIN@", "@WF@", "@OP@"};
    dps::http::request req;
    req.method = r->method;
    req.path = fill(r->pattern, data[2], data[3]);
    req.request_id = "fuzz";
    req.remote = "127.0.0.1";
    req.headers = {{"content-type", "application/json"},
                   {"authorization", "Bearer " + p.tokens.at(callers[data[1] % (sizeof callers / sizeof *callers)])}};
    req.body = dps::fuzz::with_tokens(std::string(reinterpret_cast<const char*>(data + 4), size - 4));
    dps::fuzz::check_answer(p.app->routes().dispatch(req));
    return 0;
}
