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

verify_report verify(const std::vector<chained_row>& rows, const std::vector<head>& heads,
                     const std::vector<std::int64_t>& unchained_ids, std::int64_t first_chained_id)
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

    std::map<std::string, head> head_of;
    for (const auto& h : heads) head_of[h.chain_key] = h;

    std::map<std::string, chain_report> walked; // in chain order
    std::map<std::string, std::string> expected_prev;
    for (const auto& r : rows) {
        auto& c = walked[r.chain_key];
        c.chain_key = r.chain_key;
        if (c.problem) continue; // the first problem of a chain is the one to name
        const std::int64_t want_seq = c.rows + 1;
        const auto prev = expected_prev.count(r.chain_key) ? expected_prev[r.chain_key] : kGenesisHash;
        ++c.rows;
        if (r.seq != want_seq) {
            c.problem = where(r) + ": position " + std::to_string(want_seq) + " is missing (a row was removed)";
            continue;
        }
        if (r.prev_hash != prev) {
            c.problem = where(r) + ": it does not follow the row before it (prev_hash differs)";
            continue;
        }
        const auto actual = hash_of(r);
        if (actual != r.row_hash) {
            c.problem = where(r) + ": its content does not match its hash (the row was changed)";
            continue;
        }
        expected_prev[r.chain_key] = actual;
        c.head_hash = actual;
    }
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

} // namespace dps::audit
