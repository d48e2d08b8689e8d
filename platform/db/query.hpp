// A store's statement, prepared once per pooled PostgreSQL connection and run again with new values
// (issue 11). Parsing and planning were most of the database's work on the hot requests: a one-time
// query (SOCI's `sql << …`) is parsed and planned on every execution, and row-level security makes
// those plans large. `db::query` keeps the prepared statement with the connection, so a request
// pays for executing it only. On SQLite, and on a session no pool lends, it runs as a one-time query
// (SQLite's prepare is cheap, and a kept SQLite statement left mid-result would hold its snapshot).
//
//   std::optional<bid> b = db::query(sql, kSelectBid).bind(id).one(bid_from);
//   db::query(sql, kListBids).bind(call_off).each([&](const soci::row& r) { out.push_back(bid_from(r)); });
//   db::query(sql, kSetStatus).bind(status).bind(at).bind(id).run();
//
// The text must be fixed (a named constant, or built once): each distinct text is one prepared
// statement on every connection, and past kMaxPrepared a connection runs further texts one-time.
// Values bind in the order of the placeholders, as SOCI's positional `use` does.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace soci {
class row;
class session;
} // namespace soci

namespace dps::db {

class statement_cache;

class query {
public:
    query(soci::session& sql, std::string_view text);
    ~query();
    query(const query&) = delete;
    query& operator=(const query&) = delete;

    query& bind(std::int64_t v);
    query& bind(int v) { return bind(static_cast<std::int64_t>(v)); }
    query& bind(std::string_view v);
    query& bind(const std::string& v) { return bind(std::string_view{v}); }
    query& bind(const char* v) { return bind(std::string_view{v}); }
    query& bind(const std::optional<std::int64_t>& v);
    query& bind(const std::optional<std::string>& v);

    // Runs it and maps its first row with f; nothing when there is none. (The row itself lives only
    // as long as this query, which is why it is not handed out.)
    template <class F>
    auto one(F&& f) -> std::optional<std::invoke_result_t<F&, const soci::row&>>
    {
        const soci::row* r = first_row();
        if (!r) return std::nullopt;
        return f(*r);
    }
    // The first column of the first row as an integer (a count, a RETURNING id); nothing when no row.
    std::optional<std::int64_t> one_int();
    // Runs it and calls f on every row.
    void each(const std::function<void(const soci::row&)>& f);
    // Runs a statement that returns no rows; the number of rows it changed.
    long long run();

    struct param {
        bool text = false;
        bool null = false;
        long long number = 0; // SOCI binds long long
        std::string words;
    };
    struct prepared;

private:
    prepared& statement(bool returns_rows);
    const soci::row* first_row(); // valid while this query lives
    // Runs f on p; a kept statement that threw is set aside (statement_cache::drop_failed).
    void guarded(prepared& p, const std::function<void()>& f);

    soci::session& sql_;
    std::string_view text_;
    std::vector<param> params_;
    std::unique_ptr<prepared> one_time_; // when this connection keeps no statement for the text
};

// The statements one pooled connection keeps; lives in the pool's slot, beside its session, and is
// destroyed before it. database.cpp makes the connection's cache current while a lease holds it.
class statement_cache {
public:
    static constexpr std::size_t kMaxPrepared = 256;
    statement_cache();
    ~statement_cache();
    statement_cache(const statement_cache&) = delete;
    statement_cache& operator=(const statement_cache&) = delete;

    // A statement that failed while running is set aside (its state after a failure is not
    // trusted) and deallocated when the connection is back outside a transaction.
    void drop_failed();
    std::size_t size() const;

    // While a lease holds this connection, on this thread: the cache db::query uses for `sql`.
    class current {
    public:
        current(soci::session& sql, statement_cache* cache);
        ~current();
        current(const current&) = delete;
        current& operator=(const current&) = delete;

    private:
        soci::session* previous_sql_;
        statement_cache* previous_cache_;
    };

    struct state;

private:
    friend class query;
    std::unique_ptr<state> state_;
};

} // namespace dps::db
