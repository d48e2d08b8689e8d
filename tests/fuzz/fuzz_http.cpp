// Bytes in as a client would send them: Beast's parser with the connection's own limits, the same
// conversion the connection makes (http::from_beast), then the real router with every route, the
// access guard and the services over SQLite. Any crash, sanitizer report or 500 is a defect.
// Inputs may carry token stand-ins (fuzz_platform.hpp) so that authenticated routes are reached.
#include "fuzz_platform.hpp"

#include "http/beast_request.hpp"
#include "http/router.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>

#include <cstddef>
#include <cstdint>

namespace bhttp = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    auto& p = dps::fuzz::the_platform();
    const std::string text = dps::fuzz::with_tokens(std::string(reinterpret_cast<const char*>(data), size));
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(dps::http::kHeaderLimit);
    parser.body_limit(1024 * 1024);
    parser.eager(true);
    boost::beast::error_code ec;
    std::size_t used = 0;
    while (used < text.size() && !parser.is_done()) {
        const std::size_t n = parser.put(boost::asio::buffer(text.data() + used, text.size() - used), ec);
        if (ec == bhttp::error::need_more) {
            ec = {};
            if (n == 0) break;
        }
        if (ec) return 0; // the connection answers 400 or 413 and closes
        used += n;
    }
    if (!parser.is_done()) {
        parser.put_eof(ec);
        if (ec || !parser.is_done()) return 0;
    }
    auto req = dps::http::from_beast(parser.get(), "127.0.0.1");
    if (!dps::http::has_absolute_path(req)) return 0;
    dps::fuzz::check_answer(p.app->routes().dispatch(req));
    return 0;
}
