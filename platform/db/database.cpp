// Connection pool and transactions over SOCI. A session that lost its connection is dropped
// and a fresh one is opened on next use, which is how the server recovers when the database returns.
#include "db/database.hpp"

#include "db/db_error.hpp"
#include "db/dialect.hpp"
#include "db/query.hpp"
#include "log/logger.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <thread>

namespace dps::db {

struct database::slot {
    std::unique_ptr<soci::session> session;
    statement_cache statements; // after the session: destroyed (deallocated) while it is still open
};

// A borrowed slot: goes back to the pool on every path out, healthy unless marked otherwise.
class database::lease {
public:
    // PostgreSQL connections keep their prepared statements (db/query.hpp); SQLite runs them one-time.
    lease(database& owner, std::unique_ptr<slot> s)
        : owner_(owner), slot_(std::move(s)),
          current_(*slot_->session, owner.kind() == backend::postgresql ? &slot_->statements : nullptr)
    {
    }
    // Health is judged from errors seen (mark_broken), not by asking: SOCI's is_connected() on
    // PostgreSQL sends a query, a round trip on every request.
    ~lease()
    {
        const bool healthy = healthy_ && slot_ && slot_->session;
        if (healthy) slot_->statements.drop_failed(); // outside the transaction now: each DEALLOCATE can run
        owner_.release(std::move(slot_), healthy);
    }
    lease(const lease&) = delete;
    lease& operator=(const lease&) = delete;
    soci::session& sql() { return *slot_->session; }
    void mark_broken() { healthy_ = false; }

private:
    database& owner_;
    std::unique_ptr<slot> slot_;
    statement_cache::current current_;
    bool healthy_ = true;
};

namespace {

error unavailable(const std::string& detail)
{
    return make_error(error_kind::unavailable, "database_unavailable", "the database is unavailable; try again shortly", detail);
}

// SOCI 4.0 does not always give a lost connection a SQLSTATE: ask the session too.
bool lost(const soci::soci_error& e, soci::session& sql)
{
    return classify(e) == failure_class::connection_lost || !sql.is_connected();
}

bool same_scope(const scope& a, const scope& b) { return a.level == b.level && a.id == b.id; }

} // namespace

// The unit of work open on this thread, if any. A transact() inside another joins it as a
// savepoint, so that everything one request does commits or rolls back together: an idempotency
// key is saved in the same transaction as the object it protects (issue 15, defect 6).
struct database::ambient {
    const database* owner = nullptr;
    soci::session* sql = nullptr;
    scope where;
    int depth = 0;
    std::exception_ptr doomed; // a failure that must end the whole unit: lost connection, conflict to retry
};

namespace {
thread_local database::ambient* t_ambient = nullptr;
} // namespace

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
        for (const auto& statement : connection_setup(url_.kind)) {
            // SQLite may answer "locked" to the journal-mode pragma without waiting on busy_timeout while
            // another connection creates the file; retry for up to a few seconds.
            for (int attempt = 0;; ++attempt) {
                try {
                    *session << statement;
                    break;
                } catch (const soci::soci_error& e) {
                    if (classify(e) != failure_class::retryable || attempt >= 200) throw;
                    std::this_thread::sleep_for(std::chrono::milliseconds{20});
                }
            }
        }
        s.session = std::move(session);
        return ok_t{};
    } catch (const std::exception& e) {
        return unavailable(std::string{"connect to "} + url_.redacted + ": " + e.what());
    }
}

database::pool_stats database::stats() const
{
    std::lock_guard lock(mutex_);
    pool_stats now = counters_;
    now.capacity = capacity_;
    now.in_use = outstanding_;
    now.idle = idle_.size();
    return now;
}

result<std::unique_ptr<database::slot>> database::acquire()
{
    std::unique_ptr<slot> s;
    {
        std::unique_lock lock(mutex_);
        auto free = [&] { return !idle_.empty() || outstanding_ < capacity_; };
        bool got = free();
        if (!got) {
            const auto began = std::chrono::steady_clock::now();
            got = available_.wait_for(lock, acquire_timeout_, free);
            ++counters_.waits;
            counters_.wait_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
            if (!got) ++counters_.timeouts;
        }
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
        if (s && healthy) idle_.push_back(std::move(s));
    }
    available_.notify_one();
}

status database::with_session(const std::function<status(soci::session&)>& work)
{
    auto s = acquire();
    if (!s) return s.err();
    lease held(*this, std::move(*s));
    try {
        return work(held.sql());
    } catch (const soci::soci_error& e) {
        if (lost(e, held.sql())) held.mark_broken();
        return translate(e);
    } catch (const std::exception& e) {
        held.mark_broken();
        return make_error(error_kind::internal, "internal_error", "an internal error occurred", e.what());
    }
}

status database::join(ambient& outer, const scope& where, const std::function<status(soci::session&)>& work)
{
    soci::session& sql = *outer.sql;
    const std::string savepoint = "unit_" + std::to_string(++outer.depth);
    struct depth_guard {
        ambient& a;
        ~depth_guard() { --a.depth; }
    } guard{outer};
    const bool rescoped = !same_scope(where, outer.where);
    try {
        sql << "SAVEPOINT " + savepoint;
        if (rescoped) apply_scope(url_.kind, sql, where);
        status out = work(sql);
        if (rescoped) apply_scope(url_.kind, sql, outer.where);
        // A refusal undoes this step only, as its own transaction would have; the caller may go on.
        if (out) sql << "RELEASE SAVEPOINT " + savepoint;
        else sql << "ROLLBACK TO SAVEPOINT " + savepoint;
        return out;
    } catch (const soci::soci_error& e) {
        // A conflict to retry or a lost connection ends the whole unit: the outer transact decides.
        if (classify(e) == failure_class::retryable || lost(e, sql)) {
            outer.doomed = std::current_exception();
            throw;
        }
        try {
            sql << "ROLLBACK TO SAVEPOINT " + savepoint; // also restores the outer scope's settings
        } catch (const std::exception&) {
            outer.doomed = std::current_exception();
            throw;
        }
        return translate(e);
    } catch (const std::exception& e) { // a bug in the work: the whole unit rolls back with a 500
        outer.doomed = std::current_exception();
        return make_error(error_kind::internal, "internal_error", "an internal error occurred", e.what());
    }
}

status database::transact(const scope& where, const std::function<status(soci::session&)>& work)
{
    return run(where, work, access::read_write);
}

status database::read(const scope& where, const std::function<status(soci::session&)>& work)
{
    return run(where, work, access::read_only);
}

status database::run(const scope& where, const std::function<status(soci::session&)>& work, access mode, unit shape)
{
    if (t_ambient && t_ambient->owner == this) return join(*t_ambient, shape == unit::transaction ? where : t_ambient->where, work);
    const bool transaction = shape == unit::transaction;
    constexpr int attempts = 4;
    for (int attempt = 1;; ++attempt) {
        auto s = acquire();
        if (!s) return s.err();
        lease held(*this, std::move(*s));
        soci::session& sql = held.sql();
        ambient mine{this, &sql, where, 0, nullptr};
        struct ambient_guard { // on every way out of this attempt, retries included
            ~ambient_guard() { t_ambient = nullptr; }
        } clear_on_exit;
        // Where the unit stands when something fails: only a failure before any work may be retried on a
        // fresh connection, and a connection lost during COMMIT leaves the outcome unknown (issue 15, defect 3).
        enum class phase { starting, working, committing } at = phase::starting;
        bool began = false;
        auto roll_back = [&] {
            if (!began) return;
            try {
                sql << "ROLLBACK";
            } catch (const std::exception&) {
                held.mark_broken();
            }
        };
        try {
            // PostgreSQL runs BEGIN and the scope in one message: if the scope fails the transaction is open
            // and aborted, so roll it back (a ROLLBACK with none open is only a warning there).
            if (transaction) {
                began = url_.kind == backend::postgresql;
                sql << begin_in_scope(url_.kind, where, mode);
                began = true;
            }
            at = phase::working;
            if (transaction) t_ambient = &mine;
            status out = work(sql);
            t_ambient = nullptr;
            if (mine.doomed) std::rethrow_exception(mine.doomed); // a joined step failed and someone swallowed it
            if (!transaction) return out; // autocommit: the statement was its own transaction
            at = phase::committing;
            if (out) sql << "COMMIT";
            else sql << "ROLLBACK";
            return out;
        } catch (const soci::soci_error& e) {
            const bool connection_lost = lost(e, sql);
            if (connection_lost) held.mark_broken();
            else roll_back();
            if (connection_lost && at == phase::committing) {
                // COMMIT was sent and no answer came back: it may have been applied. Running the work
                // again could do it twice, so say so; a retry with the same Idempotency-Key is safe.
                log::error("commit_outcome_unknown", {{"detail", e.what()}});
                return make_error(error_kind::unavailable, "commit_outcome_unknown",
                                  "the database connection was lost while saving; the change may or may not have been saved: "
                                  "read it back, or retry with the same Idempotency-Key",
                                  e.what());
            }
            // A pooled connection found dead before any work ran: nothing happened, so try a fresh one.
            // So may a single read statement, wherever it was lost: running it again changes nothing.
            const bool retry_fresh = connection_lost && (at == phase::starting || !transaction) && attempt < attempts;
            const bool retry_conflict = classify(e) == failure_class::retryable && attempt < attempts;
            if (retry_fresh || retry_conflict) {
                {
                    std::lock_guard lock(mutex_);
                    ++(retry_conflict ? counters_.conflict_retries : counters_.reconnect_retries);
                }
                if (retry_conflict) std::this_thread::sleep_for(std::chrono::milliseconds{5 * attempt * attempt});
                continue;
            }
            auto err = connection_lost ? unavailable(e.what()) : translate(e);
            if (err.kind == error_kind::internal || err.kind == error_kind::unavailable)
                log::error("database_error", {{"detail", err.detail}});
            return err;
        } catch (const std::exception& e) { // a bug in the work: roll back, keep the pool whole
            roll_back();
            log::error("unit_of_work_failed", {{"detail", e.what()}});
            return make_error(error_kind::internal, "internal_error", "an internal error occurred", e.what());
        } catch (...) {
            roll_back();
            throw;
        }
    }
}

} // namespace dps::db
