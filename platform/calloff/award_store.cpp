// The SQL of awards and their approvals.
#include "calloff/award_store.hpp"

#include "db/binding.hpp"
#include "db/row_reader.hpp"

#include <boost/json.hpp>
#include <soci/soci.h>

namespace dps::calloff::store {
namespace {

constexpr const char* kAwardSelect =
    "SELECT id, call_off_id, tenant_id, bid_id, provider_org_id, kind, contract_id, value_pence, status, proposed_by, created_at, "
    "decided_at, block_guaranteed_hours, block_discount_percent FROM awards WHERE id = :id";
constexpr const char* kApprovalSelect =
    "SELECT id, step, authority, in_consultation_with, status, decided_by, comment, decided_at FROM award_approvals "
    "WHERE award_id = :id ORDER BY step";
constexpr const char* kInsertAward =
    "INSERT INTO awards (call_off_id, tenant_id, bid_id, provider_org_id, kind, contract_id, value_pence, status, proposed_by, "
    "created_at, block_guaranteed_hours, block_discount_percent) "
    "VALUES (:c, :t, :b, :p, :k, :contract, :v, 'pending', :by, :at, :bh, :bd) RETURNING id";
constexpr const char* kInsertApproval =
    "INSERT INTO award_approvals (award_id, tenant_id, step, authority, in_consultation_with, status) "
    "VALUES (:a, :t, :s, :au, :c, 'pending')";
constexpr const char* kSetStatus = "UPDATE awards SET status = :s, decided_at = :at WHERE id = :id";
constexpr const char* kDecideApproval =
    "UPDATE award_approvals SET status = :s, decided_by = :by, comment = :c, decided_at = :at WHERE id = :id";
constexpr const char* kBidOf = "SELECT bid_id FROM awards WHERE id = :a";
constexpr const char* kTenantOf = "SELECT tenant_id FROM awards WHERE id = :id";

// Beside kAwardSelect and kApprovalSelect: one mapper each, by column name.
award award_from(const soci::row& r)
{
    award a;
    a.id = db::int_of(r, "id");
    a.call_off_id = db::int_of(r, "call_off_id");
    a.tenant_id = db::int_of(r, "tenant_id");
    a.bid_id = db::int_of(r, "bid_id");
    a.provider_org_id = db::int_of(r, "provider_org_id");
    a.kind = db::text_of(r, "kind");
    a.contract_id = db::opt_int_of(r, "contract_id");
    a.value_pence = db::int_of(r, "value_pence");
    a.status = db::enum_of<award_status>(r, "status");
    a.proposed_by = db::text_of(r, "proposed_by");
    a.created_at = db::text_of(r, "created_at");
    a.decided_at = db::opt_text_of(r, "decided_at");
    a.block_guaranteed_hours = db::opt_int_of(r, "block_guaranteed_hours");
    a.block_discount_percent = db::opt_int_of(r, "block_discount_percent");
    return a;
}

approval approval_from(const soci::row& r)
{
    approval s;
    s.id = db::int_of(r, "id");
    s.step = db::int_of(r, "step");
    s.authority = db::text_of(r, "authority");
    s.status = db::enum_of<approval_status>(r, "status");
    s.decided_by = db::opt_text_of(r, "decided_by");
    s.comment = db::opt_text_of(r, "comment");
    s.decided_at = db::opt_text_of(r, "decided_at");
    boost::system::error_code ec;
    auto consulted = boost::json::parse(db::text_of(r, "in_consultation_with"), ec);
    if (!ec && consulted.is_array())
        for (const auto& c : consulted.get_array())
            if (c.is_string()) s.in_consultation_with.emplace_back(c.get_string());
    return s;
}

} // namespace

std::optional<award> load_award(soci::session& sql, std::int64_t id, const char* lock)
{
    long long key = id;
    soci::row r; // one round trip: see load_call_off
    sql << kAwardSelect << lock, soci::use(key), soci::into(r);
    if (!sql.got_data()) return std::nullopt;
    std::optional<award> a = award_from(r);
    soci::rowset<soci::row> rows = (sql.prepare << kApprovalSelect, soci::use(key));
    for (const auto& step : rows) a->approvals.push_back(approval_from(step));
    return a;
}

std::int64_t insert_award(soci::session& sql, const new_award& a, const std::vector<plugins::approval_step>& route,
                          const identity::acting& by, const clock& now)
{
    const std::string at = format_timestamp(now.now()), actor = by.actor();
    long long id = 0, call_off_key = a.call_off_id, tenant = a.tenant_id, bid_key = a.bid_id, provider = a.provider_org_id,
              value = a.value_pence, contract = a.contract_id.value_or(0), block_hours = a.block_guaranteed_hours.value_or(0),
              block_discount = a.block_discount_percent.value_or(0);
    soci::indicator contract_i = db::indicator(a.contract_id.has_value()), hours_i = db::indicator(a.block_guaranteed_hours.has_value()),
                    discount_i = db::indicator(a.block_discount_percent.has_value());
    sql << kInsertAward, soci::use(call_off_key), soci::use(tenant), soci::use(bid_key), soci::use(provider), soci::use(a.kind),
        soci::use(contract, contract_i), soci::use(value), soci::use(actor), soci::use(at), soci::use(block_hours, hours_i),
        soci::use(block_discount, discount_i), soci::into(id);
    long long step = 0;
    for (const auto& s : route) {
        ++step;
        boost::json::array consulted;
        for (const auto& name : s.in_consultation_with) consulted.emplace_back(name);
        const std::string consulted_text = boost::json::serialize(consulted);
        sql << kInsertApproval, soci::use(id), soci::use(tenant), soci::use(step), soci::use(s.authority), soci::use(consulted_text);
    }
    return id;
}

void set_award_status(soci::session& sql, std::int64_t award_id, award_status status, const std::string& at)
{
    const std::string status_text{to_text(status)};
    long long key = award_id;
    sql << kSetStatus, soci::use(status_text), soci::use(at), soci::use(key);
}

void decide_approval(soci::session& sql, std::int64_t approval_id, approval_status status, const std::string& decided_by,
                     const std::optional<std::string>& comment, const std::string& at)
{
    const std::string status_text{to_text(status)};
    long long key = approval_id;
    const std::string comment_v = comment.value_or("");
    soci::indicator comment_i = db::indicator(comment.has_value());
    sql << kDecideApproval, soci::use(status_text), soci::use(decided_by), soci::use(comment_v, comment_i), soci::use(at), soci::use(key);
}

std::optional<std::int64_t> award_bid(soci::session& sql, std::int64_t award_id)
{
    long long key = award_id, bid = 0;
    sql << kBidOf, soci::use(key), soci::into(bid);
    if (!sql.got_data()) return std::nullopt;
    return bid;
}

std::optional<std::int64_t> award_tenant(soci::session& sql, std::int64_t award_id)
{
    long long key = award_id, tenant = 0;
    sql << kTenantOf, soci::use(key), soci::into(tenant);
    if (!sql.got_data()) return std::nullopt;
    return tenant;
}

} // namespace dps::calloff::store
