#include "audit/audit_chain.hpp"

#include "core/digest.hpp"

#include <map>

namespace dps::audit {

namespace {

void field(std::string& out, const char* name, const std::string& value)
{
    out += name;
    out += '=';
    out += std::to_string(value.size());
    out += ':';
    out += value;
    out += '\n';
}

std::string id_text(const std::optional<std::int64_t>& id) { return id ? std::to_string(*id) : std::string{}; }

std::string where(const chained_row& r)
{
    return "row " + std::to_string(r.id) + " (position " + std::to_string(r.seq) + ")";
}

} // namespace

std::string chain_key_of(const std::optional<std::int64_t>& tenant_id, const std::optional<std::int64_t>& provider_org_id)
{
    if (tenant_id) return "tenant:" + std::to_string(*tenant_id);
    if (provider_org_id) return "provider:" + std::to_string(*provider_org_id);
    return "platform";
}

std::string canonical(const chained_row& r)
{
    std::string out = "dps-audit-v1\n";
    field(out, "chain", r.chain_key);
    field(out, "seq", std::to_string(r.seq));
    field(out, "prev", r.prev_hash);
    field(out, "occurred_at", r.occurred_at);
    field(out, "actor", r.actor);
    field(out, "tenant_id", id_text(r.tenant_id));
    field(out, "provider_org_id", id_text(r.provider_org_id));
    field(out, "action", r.action);
    field(out, "entity_type", r.entity_type);
    field(out, "entity_id", r.entity_id);
    field(out, "request_id", r.request_id);
    field(out, "payload_digest", r.payload_digest);
    return out;
}

std::string hash_of(const chained_row& r) { return sha256_hex(canonical(r)); }

bool verify_report::ok() const
{
    if (!problems.empty()) return false;
    for (const auto& c : chains)
        if (c.problem) return false;
    return true;
}

void chain_walker::add(const chained_row& r)
{
    if (chains_.empty() || chains_.back().report.chain_key != r.chain_key) {
        chains_.push_back({});
        chains_.back().report.chain_key = r.chain_key;
        chains_.back().last_hash = kGenesisHash;
    }
    auto& c = chains_.back();
    if (c.report.problem) return; // the first problem of a chain is the one to name
    const std::int64_t want_seq = c.report.rows + 1;
    ++c.report.rows;
    if (r.seq != want_seq) {
        c.report.problem = where(r) + ": position " + std::to_string(want_seq) + " is missing (a row was removed)";
        return;
    }
    if (r.prev_hash != c.last_hash) {
        c.report.problem = where(r) + ": it does not follow the row before it (prev_hash differs)";
        return;
    }
    auto actual = hash_of(r);
    if (actual != r.row_hash) {
        c.report.problem = where(r) + ": its content does not match its hash (the row was changed)";
        return;
    }
    c.last_hash = std::move(actual);
    c.report.head_hash = c.last_hash;
}

verify_report chain_walker::finish(const std::vector<head>& heads, const std::vector<std::int64_t>& unchained_ids,
                                   std::int64_t first_chained_id)
{
    verify_report report;
    report.unchained = static_cast<std::int64_t>(unchained_ids.size());
    for (const auto id : unchained_ids)
        if (first_chained_id > 0 && id > first_chained_id) {
            report.problems.push_back("row " + std::to_string(id) +
                                      " has no chain but was written after the chain began (row " +
                                      std::to_string(first_chained_id) + ")");
            break;
        }

    std::map<std::string, chain_report> walked;
    for (auto& c : chains_) walked[c.report.chain_key] = std::move(c.report);
    chains_.clear();
    std::map<std::string, head> head_of;
    for (const auto& h : heads) head_of[h.chain_key] = h;
    for (auto& [key, c] : walked) {
        if (c.problem) continue;
        const auto h = head_of.find(key);
        if (h == head_of.end()) c.problem = "the chain has no head record";
        else if (h->second.seq != c.rows)
            c.problem = "the head says " + std::to_string(h->second.seq) + " rows, the chain has " + std::to_string(c.rows) +
                        (h->second.seq > c.rows ? " (its last rows were removed)" : "");
        else if (h->second.hash != c.head_hash) c.problem = "the head's hash differs from the last row's";
    }
    for (const auto& [key, h] : head_of)
        if (!walked.count(key))
            walked[key] = chain_report{key, 0, {}, std::string{"the head says " + std::to_string(h.seq) + " rows, none are left"}};
    for (auto& [key, c] : walked) report.chains.push_back(std::move(c));
    return report;
}

verify_report verify(const std::vector<chained_row>& rows, const std::vector<head>& heads,
                     const std::vector<std::int64_t>& unchained_ids, std::int64_t first_chained_id)
{
    chain_walker walker;
    for (const auto& r : rows) walker.add(r);
    return walker.finish(heads, unchained_ids, first_chained_id);
}

} // namespace dps::audit
