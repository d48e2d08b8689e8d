// The platform the HTTP and API fuzz targets drive: the real application (every route, the access
// guard, the services, the Lua plugins) over a fresh SQLite file with the demo tenants seeded, built
// once per fuzzing process. Requests go straight to the router, as a connection's worker would send
// them; nothing listens.
#pragma once

#include "app/application.hpp"
#include "app/demo_seed.hpp"
#include "http/message.hpp"
#include "log/logger.hpp"
#include "support/test_certificate.hpp"

#include <boost/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <unistd.h>

namespace dps::fuzz {

struct platform {
    std::unique_ptr<app::application> app;
    // Stand-ins a fuzz input may carry, replaced by live tokens: "@OP@" the operator, "@ADMIN@" and
    // "@COMM@" Newham's tenant admin and commissioner, "@FIN@" its finance officer, "@BID@" and
    // "@PADMIN@" Riverside's bidder and provider admin, "@WF@" Waltham Forest's commissioner.
    std::map<std::string, std::string> tokens;
};

inline platform& the_platform()
{
    static platform p = [] {
        log::set_minimum(log::level::error); // access denials are the normal case here, not news
        const auto dir = std::filesystem::temp_directory_path() / ("dps-fuzz-" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir);
        config c;
        c.listen = {"127.0.0.1", 0};
        c.db_url = "sqlite:" + (dir / "fuzz.db").string();
        c.tls_cert = test::test_certificate().cert;
        c.tls_key = test::test_certificate().key;
        c.threads = 1;
        c.workers = 1;
        auto created = app::application::create(c);
        if (!created) {
            std::fprintf(stderr, "fuzz platform did not start: %s\n", created.err().message.c_str());
            std::abort();
        }
        platform out;
        out.app = std::move(*created);
        auto seeded = app::seed_demo(out.app->identity(), out.app->rules(), std::string{DPS_SOURCE_DIR} + "/tenants/demo-seed.json");
        if (!seeded) {
            std::fprintf(stderr, "demo seed failed: %s\n", seeded.err().message.c_str());
            std::abort();
        }
        const auto& t = *seeded;
        auto token = [&](std::initializer_list<const char*> path) {
            const boost::json::value* v = &t.at(*path.begin());
            for (auto it = path.begin() + 1; it != path.end(); ++it) v = &v->at(*it);
            return std::string(v->as_string());
        };
        out.tokens = {{"@OP@", token({"operator"})},
                      {"@ADMIN@", token({"newham", "tenant_admin"})},
                      {"@COMM@", token({"newham", "commissioner"})},
                      {"@FIN@", token({"newham", "finance"})},
                      {"@WF@", token({"waltham-forest", "commissioner"})},
                      {"@BID@", token({"providers", "riverside", "bidder"})},
                      {"@PADMIN@", token({"providers", "riverside", "provider_admin"})}};
        std::atexit([] { std::filesystem::remove_all(std::filesystem::temp_directory_path() / ("dps-fuzz-" + std::to_string(::getpid()))); });
        return out;
    }();
    return p;
}

inline std::string with_tokens(std::string text)
{
    for (const auto& [stand_in, token] : the_platform().tokens)
        for (auto at = text.find(stand_in); at != std::string::npos; at = text.find(stand_in, at + token.size()))
            text.replace(at, stand_in.size(), token);
    return text;
}

// A 500 is a defect (an exception or an unexpected database error escaped a handler): crash, so
// that libFuzzer saves the input. 503 is the database being busy, which a fuzzer may cause.
inline void check_answer(const http::response& res)
{
    if (res.status < 200 || res.status > 599 || res.status == 500) {
        std::fprintf(stderr, "status %d: %s\n", res.status, res.body.c_str());
        std::abort();
    }
}

} // namespace dps::fuzz
