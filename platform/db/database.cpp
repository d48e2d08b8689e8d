// Connection pool and transactions over SOCI. A session that lost its connection is dropped
// and a fresh one is opened on next use, which is how the server recovers when the database returns.
#include "db/database.hpp"

#include "db/db_error.hpp"
#include "db/dialect.hpp"
#include "log/logger.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <thread>

namespace dps::db {

struct database::slot {
    std::unique_ptr<soci::session> session;
};

database::database(database_url url, std::size_t pool_size, std::chrono::milliseconds acquire_timeout)
    : url_(std::move(url)), acquire_timeout_(acquire_timeout), capacity_(pool_size == 0 ? 1 : pool_size)
{
}

database::~database() = default;

result<ok_t> database::connect(slot& s)
{
    try {
        auto session = std::make_unique<soci::session>();
        if (url_.kind == backend::sqlite) session->open(*soci::factory_sqlite3(), url_.connect_string);
        else session->open(*soci::factory_postgresql(), url_.connect_string);
        for (const auto& statement : connection_setup(url_.kind)) *session << statement;
        s.session = std::move(session);
        return ok_t{};
    } catch (const soci::soci_error& e) {
        return make_error(error_kind::unavailable, "database_unavailable", "the database is unavailable; try again shortly",
                          std::string{"connect to "} + url_.redacted + ": " + e.what());
    }
}

result<std::unique_ptr<database::slot>> database::acquire()
{
    std::unique_ptr<slot> s;
    {
        std::unique_lock lock(mutex_);
        const bool got = available_.wait_for(lock, acquire_timeout_,
                                             [&] { return !idle_.empty() || outstanding_ < capacity_; });
        if (!got)
            return make_error(error_kind::unavailable, "database_busy", "the service is busy; try again shortly",
                              "timed out waiting for a database connection");
        if (!idle_.empty()) {
            s = std::move(idle_.back());
            idle_.pop_back();
        } else {
            s = std::make_unique<slot>();
        }
        ++outstanding_;
    }
    if (!s->session) {
        if (auto connected = connect(*s); !connected) {
            release(nullptr, false);
            return connected.err();
        }
    }
    return s;
}

void database::release(std::unique_ptr<slot> s, bool healthy)
{
    {
        std::lock_guard lock(mutex_);
        --outstanding_;
        if (s && healthy && s->session && s->session->is_connected()) idle_.push_back(std::move(s));
    }
    available_.notify_one();
}

status database::with_session(const std::function<status(soci::session&)>& work)
{
    auto s = acquire();
    if (!s) return s.err();
    auto owned = std::move(*s);
    try {
        status out = work(*owned->session);
        release(std::move(owned), true);
        return out;
    } catch (const soci::soci_error& e) {
        const bool lost = classify(e) == failure_class::connection_lost;
        release(std::move(owned), !lost);
        return translate(e);
    } catch (const std::exception& e) {
        release(std::move(owned), false);
        return make_error(error_kind::internal, "internal_error", "an internal error occurred", e.what());
    }
}

status database::transact(const scope& where, const std::function<status(soci::session&)>& work)
{
    constexpr int attempts = 4;
    for (int attempt = 1;; ++attempt) {
        auto s = acquire();
        if (!s) return s.err();
        auto owned = std::move(*s);
        soci::session& sql = *owned->session;
        bool began = false;
        try {
            sql << begin_transaction(url_.kind);
            began = true;
            apply_scope(url_.kind, sql, where);
            status out = work(sql);
            if (out) sql << "COMMIT";
            else sql << "ROLLBACK";
            release(std::move(owned), true);
            return out;
        } catch (const soci::soci_error& e) {
            const auto kind = classify(e);
            bool healthy = kind != failure_class::connection_lost;
            if (began && healthy) {
                try {
                    sql << "ROLLBACK";
                } catch (const soci::soci_error&) {
                    healthy = false;
                }
            }
            release(std::move(owned), healthy);
            if (kind == failure_class::retryable && attempt < attempts) {
                std::this_thread::sleep_for(std::chrono::milliseconds{5 * attempt * attempt});
                continue;
            }
            auto err = translate(e);
            if (err.kind == error_kind::internal || err.kind == error_kind::unavailable)
                log::error("database_error", {{"detail", err.detail}});
            return err;
        } catch (const std::exception& e) { // a bug in the work: roll back, keep the pool whole
            bool healthy = true;
            if (began) {
                try {
                    sql << "ROLLBACK";
                } catch (const std::exception&) {
                    healthy = false;
                }
            }
            release(std::move(owned), healthy);
            log::error("unit_of_work_failed", {{"detail", e.what()}});
            return make_error(error_kind::internal, "internal_error", "an internal error occurred", e.what());
        }
    }
}

} // namespace dps::db
