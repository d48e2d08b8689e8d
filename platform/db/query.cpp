// Statements kept per connection (query.hpp): the cache, the binding and the one-time fallback.
#include "db/query.hpp"

#include "db/row_reader.hpp"

#include <soci/soci.h>

#include <unordered_map>

namespace dps::db {

// One statement with the storage its values are bound to: SOCI binds by reference, so `slots` and
// `indicators` are sized once, before binding, and never resized.
struct query::prepared {
    std::string signature; // 'r' (returns rows) or 'w', then 't' or 'i' per value
    std::vector<param> slots;
    std::vector<soci::indicator> indicators;
    soci::row row;
    std::unique_ptr<soci::statement> st;
};

namespace {

struct text_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

thread_local soci::session* t_sql = nullptr;
thread_local statement_cache* t_cache = nullptr;

std::string signature_of(bool returns_rows, const std::vector<query::param>& params)
{
    std::string s(1, returns_rows ? 'r' : 'w');
    for (const auto& p : params) s += p.text ? 't' : 'i';
    return s;
}

std::unique_ptr<query::prepared> make_prepared(soci::session& sql, std::string_view text, bool returns_rows,
                                               const std::vector<query::param>& params, soci::details::statement_type type)
{
    auto p = std::make_unique<query::prepared>();
    p->signature = signature_of(returns_rows, params);
    p->slots = params;
    p->indicators.assign(params.size(), soci::i_ok);
    p->st = std::make_unique<soci::statement>(sql);
    for (std::size_t i = 0; i < p->slots.size(); ++i) {
        if (p->slots[i].text) p->st->exchange(soci::use(p->slots[i].words, p->indicators[i]));
        else p->st->exchange(soci::use(p->slots[i].number, p->indicators[i]));
    }
    if (returns_rows) p->st->exchange(soci::into(p->row));
    p->st->alloc();
    p->st->prepare(std::string{text}, type);
    p->st->define_and_bind();
    return p;
}

} // namespace

struct statement_cache::state {
    using kept_map = std::unordered_map<std::string, std::unique_ptr<query::prepared>, text_hash, std::equal_to<>>;
    kept_map kept;
    std::vector<std::unique_ptr<query::prepared>> failed;

    // Out of use, deallocated by drop_failed once the connection is outside its transaction.
    void set_aside(kept_map::iterator it)
    {
        failed.push_back(std::move(it->second));
        kept.erase(it);
    }
};

statement_cache::statement_cache() : state_(std::make_unique<state>()) {}
statement_cache::~statement_cache() = default;
void statement_cache::drop_failed() { state_->failed.clear(); } // each sends its DEALLOCATE
std::size_t statement_cache::size() const { return state_->kept.size(); }

statement_cache::current::current(soci::session& sql, statement_cache* cache) : previous_sql_(t_sql), previous_cache_(t_cache)
{
    t_sql = &sql;
    t_cache = cache;
}

statement_cache::current::~current()
{
    t_sql = previous_sql_;
    t_cache = previous_cache_;
}

query::query(soci::session& sql, std::string_view text) : sql_(sql), text_(text) {}
query::~query() = default;

query& query::bind(std::int64_t v)
{
    params_.push_back({false, false, static_cast<long long>(v), {}});
    return *this;
}

query& query::bind(std::string_view v)
{
    params_.push_back({true, false, 0, std::string{v}});
    return *this;
}

query& query::bind(const std::optional<std::int64_t>& v)
{
    params_.push_back({false, !v.has_value(), v.value_or(0), {}});
    return *this;
}

query& query::bind(const std::optional<std::string>& v)
{
    params_.push_back({true, !v.has_value(), 0, v.value_or(std::string{})});
    return *this;
}

query::prepared& query::statement(bool returns_rows)
{
    statement_cache* cache = t_sql == &sql_ ? t_cache : nullptr;
    if (cache) {
        auto& kept = cache->state_->kept;
        auto it = kept.find(text_);
        const std::string signature = signature_of(returns_rows, params_);
        if (it != kept.end() && it->second->signature != signature) { // the same text bound differently
            cache->state_->set_aside(it);
            it = kept.end();
        }
        if (it == kept.end() && kept.size() < statement_cache::kMaxPrepared)
            it = kept.emplace(std::string{text_}, make_prepared(sql_, text_, returns_rows, params_, soci::details::st_repeatable_query)).first;
        if (it != kept.end()) {
            prepared& p = *it->second;
            for (std::size_t i = 0; i < params_.size(); ++i) {
                if (p.slots[i].text) p.slots[i].words = params_[i].words;
                else p.slots[i].number = params_[i].number;
                p.indicators[i] = params_[i].null ? soci::i_null : soci::i_ok;
            }
            return p;
        }
    }
    one_time_ = make_prepared(sql_, text_, returns_rows, params_, soci::details::st_one_time_query);
    for (std::size_t i = 0; i < params_.size(); ++i) one_time_->indicators[i] = params_[i].null ? soci::i_null : soci::i_ok;
    return *one_time_;
}

// A kept statement that threw is set aside: it is deallocated once the connection is back outside
// the transaction (a DEALLOCATE inside an aborted one would fail), and the text prepared afresh.
void query::guarded(prepared& p, const std::function<void()>& f)
{
    try {
        f();
    } catch (...) {
        statement_cache* cache = t_sql == &sql_ ? t_cache : nullptr;
        if (cache) {
            auto& kept = cache->state_->kept;
            if (auto it = kept.find(text_); it != kept.end() && it->second.get() == &p) cache->state_->set_aside(it);
        }
        throw;
    }
}

std::optional<std::int64_t> query::one_int()
{
    const soci::row* r = first_row();
    if (!r) return std::nullopt;
    return int_at(*r, 0);
}

const soci::row* query::first_row()
{
    prepared& p = statement(true);
    bool got = false;
    guarded(p, [&] { got = p.st->execute(true); });
    return got ? &p.row : nullptr;
}

void query::each(const std::function<void(const soci::row&)>& f)
{
    prepared& p = statement(true);
    guarded(p, [&] {
        if (!p.st->execute(true)) return;
        do f(p.row);
        while (p.st->fetch());
    });
}

long long query::run()
{
    prepared& p = statement(false);
    long long changed = 0;
    guarded(p, [&] {
        p.st->execute(true);
        changed = p.st->get_affected_rows();
    });
    return changed;
}

} // namespace dps::db
