// The router over the real route table: any method and path either matches one route, whose
// captured parameters are exactly its pattern's and hold no '/', or lists the methods allowed for
// the path, or nothing; and an unauthenticated dispatch answers 401, 404 or 405, never 500.
#include "fuzz_platform.hpp"

#include "http/router.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0) return 0;
    auto& routes = dps::fuzz::the_platform().app->routes();
    static const char* methods[] = {"GET", "POST", "PATCH", "PUT", "DELETE", "HEAD", "OPTIONS", "get", ""};
    const std::string method = methods[data[0] % (sizeof methods / sizeof *methods)];
    const std::string path(reinterpret_cast<const char*>(data + 1), size - 1);
    const auto m = routes.find(method, path);
    if (m.found) {
        std::size_t captures = 0;
        for (const auto& s : m.found->segments)
            if (s.size() > 2 && s.front() == '{') {
                ++captures;
                auto it = m.params.find(s.substr(1, s.size() - 2));
                if (it == m.params.end() || it->second.find('/') != std::string::npos) std::abort();
            }
        if (captures != m.params.size()) std::abort();
        // HEAD is answered by the GET route (without the body); any other method matches only its own.
        if (m.found->method != method && !(method == "HEAD" && m.found->method == "GET")) std::abort();
    }
    dps::http::request req;
    req.method = method;
    req.path = path;
    req.request_id = "fuzz";
    auto res = routes.dispatch(req, m);
    if (res.status == 500 || (m.found && res.status == 200 && m.found->options.admit)) std::abort();
    return 0;
}
