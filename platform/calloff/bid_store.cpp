// The SQL of bids.
#include "calloff/bid_store.hpp"

#include "db/query.hpp"
#include "db/row_reader.hpp"

#include <soci/soci.h>

namespace dps::calloff::store {
namespace {

constexpr const char* kBidSelect =
    "SELECT b.id, b.call_off_id, b.tenant_id, b.provider_org_id, p.name, b.hourly_rate_pence, b.hours_per_week, b.weekly_cost_pence, "
    "b.total_pence, b.earliest_start, b.notes, b.status, b.score, b.rank, b.submitted_at, b.updated_at "
    "FROM bids b JOIN provider_organisations p ON p.id = b.provider_org_id ";
const std::string kBidById = std::string{kBidSelect} + "WHERE b.id = :id";
const std::string kLiveBids = std::string{kBidSelect} + "WHERE b.call_off_id = :id AND b.status <> 'withdrawn' ORDER BY b.rank, b.id";
constexpr const char* kCountLive = "SELECT count(*) FROM bids WHERE call_off_id = :id AND status <> 'withdrawn'";
constexpr const char* kCountProviderLive =
    "SELECT count(*) FROM bids WHERE call_off_id = :c AND provider_org_id = :p AND status <> 'withdrawn'";
constexpr const char* kInsertBid =
    "INSERT INTO bids (call_off_id, tenant_id, provider_org_id, hourly_rate_pence, hours_per_week, weekly_cost_pence, total_pence, "
    "earliest_start, notes, status, submitted_at, updated_at) VALUES (:c, :t, :p, :r, :h, :w, :total, :e, :n, 'submitted', :at, :at2) "
    "RETURNING id";
constexpr const char* kUpdateOffer =
    "UPDATE bids SET hourly_rate_pence = :r, hours_per_week = :h, weekly_cost_pence = :w, total_pence = :total, earliest_start = :e, "
    "notes = :n, updated_at = :at WHERE id = :id";
constexpr const char* kSetStatus = "UPDATE bids SET status = :s, updated_at = :at WHERE id = :id";
constexpr const char* kSetScoreAndRank = "UPDATE bids SET score = :s, rank = :r WHERE id = :id";
constexpr const char* kSetRank = "UPDATE bids SET rank = :r WHERE id = :id";
constexpr const char* kProviderOf = "SELECT provider_org_id FROM bids WHERE id = :id";

// Beside kBidSelect: one mapper, by column name.
bid bid_from(const soci::row& r)
{
    bid b;
    b.id = db::int_of(r, "id");
    b.call_off_id = db::int_of(r, "call_off_id");
    b.tenant_id = db::int_of(r, "tenant_id");
    b.provider_org_id = db::int_of(r, "provider_org_id");
    b.provider_name = db::text_of(r, "name");
    b.hourly_rate_pence = db::opt_int_of(r, "hourly_rate_pence");
    b.hours_per_week = db::opt_int_of(r, "hours_per_week");
    b.weekly_cost_pence = db::opt_int_of(r, "weekly_cost_pence");
    b.total_pence = db::int_of(r, "total_pence");
    b.earliest_start = db::text_of(r, "earliest_start");
    b.notes = db::text_of(r, "notes");
    b.status = db::enum_of<bid_status>(r, "status");
    b.score = db::opt_double_of(r, "score");
    b.rank = db::opt_int_of(r, "rank");
    b.submitted_at = db::text_of(r, "submitted_at");
    b.updated_at = db::text_of(r, "updated_at");
    return b;
}

} // namespace

std::optional<bid> load_bid(soci::session& sql, std::int64_t id)
{
    return db::query(sql, kBidById).bind(id).one(bid_from);
}

std::vector<bid> live_bids(soci::session& sql, std::int64_t call_off_id)
{
    std::vector<bid> out;
    db::query(sql, kLiveBids).bind(call_off_id).each([&](const soci::row& r) { out.push_back(bid_from(r)); });
    return out;
}

std::int64_t count_live_bids(soci::session& sql, std::int64_t call_off_id)
{
    return db::query(sql, kCountLive).bind(call_off_id).one_int().value_or(0);
}

bool has_live_bid(soci::session& sql, std::int64_t call_off_id, std::int64_t provider_org_id)
{
    return db::query(sql, kCountProviderLive).bind(call_off_id).bind(provider_org_id).one_int().value_or(0) > 0;
}

std::int64_t insert_bid(soci::session& sql, const bid& b)
{
    db::query q(sql, kInsertBid);
    q.bind(b.call_off_id).bind(b.tenant_id).bind(b.provider_org_id).bind(b.hourly_rate_pence).bind(b.hours_per_week)
        .bind(b.weekly_cost_pence).bind(b.total_pence).bind(b.earliest_start).bind(b.notes).bind(b.submitted_at).bind(b.submitted_at);
    return q.one_int().value();
}

void update_bid_offer(soci::session& sql, const bid& b)
{
    db::query(sql, kUpdateOffer)
        .bind(b.hourly_rate_pence).bind(b.hours_per_week).bind(b.weekly_cost_pence).bind(b.total_pence)
        .bind(b.earliest_start).bind(b.notes).bind(b.updated_at).bind(b.id)
        .run();
}

void set_bid_status(soci::session& sql, std::int64_t bid_id, bid_status status, const std::string& at)
{
    db::query(sql, kSetStatus).bind(to_text(status)).bind(at).bind(bid_id).run();
}

void set_bid_rank(soci::session& sql, std::int64_t bid_id, std::optional<double> score, std::int64_t rank)
{
    long long key = bid_id, rank_v = rank;
    if (score) {
        double s = *score;
        sql << kSetScoreAndRank, soci::use(s), soci::use(rank_v), soci::use(key);
    } else {
        sql << kSetRank, soci::use(rank_v), soci::use(key);
    }
}

std::optional<std::int64_t> bid_provider(soci::session& sql, std::int64_t bid_id)
{
    return db::query(sql, kProviderOf).bind(bid_id).one_int();
}

} // namespace dps::calloff::store
