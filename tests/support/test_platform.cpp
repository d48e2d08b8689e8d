// The in-process server used by the API tests.
#include "support/test_platform.hpp"

#include "support/test_certificate.hpp"

#include <stdexcept>

namespace dps::test {

config test_config(const scratch_database& db)
{
    config c;
    c.listen = {"127.0.0.1", 0};
    c.db_url = db.url();
    c.db_migrate_url = db.owner_url();
    c.tls_cert = test_certificate().cert;
    c.tls_key = test_certificate().key;
    c.threads = 2;
    c.idle_timeout = std::chrono::milliseconds{5000};
    c.shutdown_grace = std::chrono::milliseconds{5000};
    return c;
}

test_platform::test_platform(std::function<void(config&)> adjust, std::function<void(http::router&)> extra_routes,
                             std::shared_ptr<const clock> now)
{
    auto c = test_config(db_);
    if (adjust) adjust(c);
    auto created = app::application::create(c, std::move(extra_routes), std::move(now));
    if (!created) throw std::runtime_error("platform did not start: " + created.err().message + " " + created.err().detail);
    app_ = std::move(*created);
    app_->start();
}

test_platform::~test_platform()
{
    app_->shutdown();
    app_->wait();
}

} // namespace dps::test
