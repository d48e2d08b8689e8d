// The console's file mount: files from the folder only, content types, ETag and 304, the HTML
// pages' Content-Security-Policy, and the router's mount (GET and HEAD only, bare prefix redirected,
// routes take precedence, and mounts are not API routes).
#include "http/router.hpp"
#include "http/static_files.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace dps;
namespace fs = std::filesystem;

namespace {

struct console_folder : ::testing::Test {
    fs::path dir = fs::temp_directory_path() / ("dps-static-test-" + std::to_string(::getpid()));
    void SetUp() override
    {
        fs::create_directories(dir / "assets" / "fonts");
        write("index.html", "<!DOCTYPE html><title>x</title>");
        write("app.js", "console.log(1)");
        write("assets/fonts/a.woff2", std::string("wOF2\0\1", 6));
        fs::create_directories(dir.parent_path() / "outside");
        std::ofstream(dir.parent_path() / "secret.txt") << "not for the web";
    }
    void TearDown() override
    {
        fs::remove_all(dir);
        fs::remove(dir.parent_path() / "secret.txt");
    }
    void write(const std::string& name, const std::string& body) { std::ofstream(dir / name, std::ios::binary) << body; }
    static http::request get(const std::string& path)
    {
        http::request r;
        r.method = "GET";
        r.path = path;
        r.request_id = "rid";
        return r;
    }
    static std::string header(const http::response& r, const std::string& name)
    {
        for (const auto& [n, v] : r.headers)
            if (n == name) return v;
        return {};
    }
};

} // namespace

TEST_F(console_folder, ServesItsFilesWithTypesAndRevalidation)
{
    auto files = http::static_files::load(dir, "/app/");
    ASSERT_TRUE(files.ok()) << files.err().message;
    EXPECT_EQ((*files)->size(), 3u);
    auto index = (*files)->serve(get("/app/"));
    EXPECT_EQ(index.status, 200);
    EXPECT_EQ(index.content_type, "text/html; charset=utf-8");
    EXPECT_EQ(header(index, "Content-Security-Policy"), http::kConsoleContentSecurityPolicy);
    EXPECT_EQ(header(index, "Cache-Control"), "no-cache");
    EXPECT_NE(std::string(http::kConsoleContentSecurityPolicy).find("script-src 'self';"), std::string::npos);
    EXPECT_EQ(std::string(http::kConsoleContentSecurityPolicy).find("unsafe-inline"), std::string::npos);

    auto js = (*files)->serve(get("/app/app.js"));
    EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
    EXPECT_EQ(js.body, "console.log(1)");
    EXPECT_TRUE(header(js, "Content-Security-Policy").empty()); // only pages carry it
    auto font = (*files)->serve(get("/app/assets/fonts/a.woff2"));
    EXPECT_EQ(font.content_type, "font/woff2");
    EXPECT_EQ(font.body.size(), 6u);

    auto again = get("/app/app.js");
    again.headers.emplace_back("if-none-match", header(js, "ETag"));
    EXPECT_EQ((*files)->serve(again).status, 304);
}

TEST_F(console_folder, NothingOutsideTheFolderIsReachable)
{
    auto files = http::static_files::load(dir, "/app/");
    ASSERT_TRUE(files.ok());
    for (const char* path : {"/app/../secret.txt", "/app/..%2Fsecret.txt", "/app/nope.js", "/app/assets/", "/app//etc/passwd"})
        EXPECT_EQ((*files)->serve(get(path)).status, 404) << path;
}

TEST_F(console_folder, AFolderWithoutAnIndexIsRefused)
{
    fs::remove(dir / "index.html");
    auto files = http::static_files::load(dir, "/app/");
    ASSERT_FALSE(files.ok());
    EXPECT_NE(files.err().message.find("no index.html"), std::string::npos);
    EXPECT_FALSE(http::static_files::load(dir / "missing", "/app/").ok());
}

TEST_F(console_folder, TheRouterMountsItBesideTheApi)
{
    auto files = http::static_files::load(dir, "/app/");
    ASSERT_TRUE(files.ok());
    http::router routes;
    routes.add("GET", "/app/version", [](http::request&) { return http::response{200, "text/plain", "route", {}, false}; });
    routes.mount("/app/", [f = *files](http::request& req) { return f->serve(req); });
    EXPECT_EQ(routes.routes().size(), 1u) << "a mount is not an API route";

    auto page = get("/app/app.js");
    EXPECT_EQ(routes.dispatch(page).body, "console.log(1)");
    auto route = get("/app/version");
    EXPECT_EQ(routes.dispatch(route).body, "route") << "routes come first";
    auto bare = get("/app");
    auto redirect = routes.dispatch(bare);
    EXPECT_EQ(redirect.status, 308);
    EXPECT_EQ(header(redirect, "Location"), "/app/");
    auto post = get("/app/app.js");
    post.method = "POST";
    auto refused = routes.dispatch(post);
    EXPECT_EQ(refused.status, 405);
    EXPECT_EQ(header(refused, "Allow"), "GET, HEAD");
    EXPECT_EQ(*routes.mount_label("/app/x.css"), "/app/*");
    EXPECT_EQ(routes.mount_label("/v1/me"), nullptr);
    auto other = get("/elsewhere");
    EXPECT_EQ(routes.dispatch(other).status, 404);
}
