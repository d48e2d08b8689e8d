// The database: a bounded pool of SOCI sessions and one transaction per unit of work.
// Callers get errors as values: a lost connection is error_kind::unavailable (503), never a crash.
#pragma once

#include "core/result.hpp"
#include "db/database_url.hpp"
#include "db/scope.hpp"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace soci { class session; }

namespace dps::db {

class database {
public:
    // Opens no connection yet: sessions connect on first use and reconnect after a loss,
    // so a server can start (and answer 503) while the database is down.
    database(database_url url, std::size_t pool_size,
             std::chrono::milliseconds acquire_timeout = std::chrono::milliseconds{5000});
    ~database();
    database(const database&) = delete;
    database& operator=(const database&) = delete;

    backend kind() const noexcept { return url_.kind; }
    const database_url& url() const noexcept { return url_; }

    // Runs work inside one read-write transaction limited to a scope; commits if it returns ok,
    // rolls back otherwise. Serialization failures and deadlocks are retried a few times, then 409.
    // Called inside another transact on the same thread, it joins that unit as a savepoint (a
    // refusal undoes only its own step; a conflict or lost connection ends and retries the whole).
    // A connection lost during COMMIT is 503 commit_outcome_unknown, never a blind re-run.
    status transact(const scope& where, const std::function<status(soci::session&)>& work);

    // The same for work that only reads: on SQLite a deferred transaction, which never takes the
    // write lock (WAL readers run beside the writer and each other); on PostgreSQL READ ONLY, so a
    // write that slipped into a read is refused rather than done. Inside another unit it joins it.
    status read(const scope& where, const std::function<status(soci::session&)>& work);
    template <class T>
    result<T> read_value(const scope& where, const std::function<result<T>(soci::session&)>& work)
    {
        return value_of<T>(where, work, access::read_only);
    }

    template <class T>
    result<T> transact_value(const scope& where, const std::function<result<T>(soci::session&)>& work)
    {
        return value_of<T>(where, work, access::read_write);
    }

    // Runs work that is one read statement, outside any transaction (autocommit) and outside any
    // scope: for a lookup that sets its own scope for itself, as the token lookup does (schema/V013),
    // one round trip where a unit costs three. A pooled connection found dead is replaced and the read
    // run again (a read done twice changes nothing). Inside another unit it joins that unit.
    template <class T>
    result<T> read_statement_value(const std::function<result<T>(soci::session&)>& work)
    {
        return value_of<T>(scope::platform(), work, access::read_only, unit::single_statement);
    }

    // Runs work on a session outside a transaction and outside any scope: only for tables without
    // tenant rows (schema_migrations); row-level security hides every tenant row here.
    status with_session(const std::function<status(soci::session&)>& work);

    // For GET /metrics: the pool now, and counters since start.
    struct pool_stats {
        std::size_t capacity = 0, in_use = 0, idle = 0;
        std::uint64_t waits = 0;            // acquisitions that found no free connection and waited
        double wait_seconds = 0;            // time spent in those waits
        std::uint64_t timeouts = 0;         // waits that gave up (503 database_busy)
        std::uint64_t conflict_retries = 0; // units re-run after a serialization failure or deadlock
        std::uint64_t reconnect_retries = 0; // units re-run on a fresh connection after a dead pooled one
    };
    pool_stats stats() const;

    struct ambient;

private:
    enum class unit { transaction, single_statement };
    status run(const scope& where, const std::function<status(soci::session&)>& work, access mode,
               unit shape = unit::transaction);
    template <class T>
    result<T> value_of(const scope& where, const std::function<result<T>(soci::session&)>& work, access mode,
                       unit shape = unit::transaction)
    {
        std::optional<result<T>> out;
        status s = run(where, [&](soci::session& sql) -> status {
            out.emplace(work(sql));
            if (!out->ok()) return out->err();
            return ok_status();
        }, mode, shape);
        if (!s) return s.err();
        return std::move(*out);
    }
    status join(ambient& outer, const scope& where, const std::function<status(soci::session&)>& work);
    struct slot;
    class lease;
    result<std::unique_ptr<slot>> acquire();
    void release(std::unique_ptr<slot> s, bool healthy);
    result<ok_t> connect(slot& s);

    database_url url_;
    std::chrono::milliseconds acquire_timeout_;
    mutable std::mutex mutex_;
    std::condition_variable available_;
    std::vector<std::unique_ptr<slot>> idle_;
    std::size_t capacity_;
    std::size_t outstanding_ = 0;
    pool_stats counters_; // waits, timeouts and retries; guarded by mutex_
};

} // namespace dps::db
