// Starts the real platform in-process on an ephemeral port, over a scratch database, with real TLS.
#pragma once

#include "app/application.hpp"
#include "config/config.hpp"
#include "http/router.hpp"
#include "support/test_database.hpp"

#include <functional>
#include <memory>

namespace dps::test {

// Settings for a test server: port 0, the test certificate, the scratch database, short timeouts.
config test_config(const scratch_database& db);

class test_platform {
public:
    explicit test_platform(std::function<void(config&)> adjust = {}, std::function<void(http::router&)> extra_routes = {},
                           std::shared_ptr<const clock> now = nullptr);
    ~test_platform();

    unsigned short port() const { return app_->port(); }
    app::application& app() { return *app_; }
    scratch_database& database() { return db_; }
    void shutdown() { app_->shutdown(); }
    void wait() { app_->wait(); }

private:
    scratch_database db_;
    std::unique_ptr<app::application> app_;
    bool stopped_ = false;
};

} // namespace dps::test
