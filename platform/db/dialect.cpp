// PostgreSQL/SQLite differences: tokens, sections, transaction start, per-connection settings.
#include "db/dialect.hpp"

#include "db/scope.hpp"

#include <soci/soci.h>

#include <cctype>
#include <sstream>

namespace dps::db {

std::vector<std::string> connection_setup(backend kind)
{
    if (kind == backend::sqlite)
        return {
            "PRAGMA busy_timeout = 5000", // first: the pragmas below may need to wait for another connection
            "PRAGMA journal_mode = WAL",
            "PRAGMA synchronous = FULL", // an acknowledged write survives power loss
            "PRAGMA foreign_keys = ON",
        };
    return {
        "SET client_min_messages = warning",
        "SET TIME ZONE 'UTC'",
        // A stuck query must not hold a worker (or a graceful shutdown) for ever.
        "SET statement_timeout = '30s'",
        "SET idle_in_transaction_session_timeout = '60s'",
    };
}

const char* begin_transaction(backend kind)
{
    return kind == backend::sqlite ? "BEGIN IMMEDIATE" : "BEGIN";
}

namespace {

const char* level_name(const scope& where)
{
    return where.level == scope::kind::platform    ? "platform"
           : where.level == scope::kind::operator_ ? "operator"
           : where.level == scope::kind::tenant    ? "tenant"
                                                   : "provider";
}

} // namespace

void apply_scope(backend kind, soci::session& sql, const scope& where)
{
    if (kind != backend::postgresql) return;
    const std::string tenant = where.level == scope::kind::tenant ? std::to_string(where.id) : "";
    const std::string provider = where.level == scope::kind::provider ? std::to_string(where.id) : "";
    const std::string scope_level = level_name(where);
    sql << "SELECT set_config('dps.scope', :s, true), set_config('dps.tenant_id', :t, true), "
           "set_config('dps.provider_id', :p, true)",
        soci::use(scope_level), soci::use(tenant), soci::use(provider);
}

std::string begin_in_scope(backend kind, const scope& where, access mode)
{
    if (kind != backend::postgresql) return mode == access::read_only ? "BEGIN DEFERRED" : begin_transaction(kind);
    // Literals, not parameters, so that the two go in one simple-query message: the level is one of
    // four fixed words and the id an integer, so nothing a caller sends reaches this text.
    const std::string tenant = where.level == scope::kind::tenant ? std::to_string(where.id) : "";
    const std::string provider = where.level == scope::kind::provider ? std::to_string(where.id) : "";
    return std::string{mode == access::read_only ? "BEGIN READ ONLY" : "BEGIN"} + "; SELECT set_config('dps.scope', '" + level_name(where) + "', true), set_config('dps.tenant_id', '" +
           tenant + "', true), set_config('dps.provider_id', '" + provider + "', true)";
}

std::string json_array_agg(backend kind, std::string_view elements, std::string_view order_by)
{
    if (kind == backend::postgresql)
        return "COALESCE(json_agg(json_build_array(" + std::string{elements} + ") ORDER BY " + std::string{order_by} + "), '[]')";
    return "json_group_array(json_array(" + std::string{elements} + "))";
}

const char* for_update(backend kind) { return kind == backend::postgresql ? " FOR UPDATE" : ""; }

std::vector<std::string> migration_lock(backend kind)
{
    if (kind == backend::postgresql) return {"SELECT pg_advisory_xact_lock(727001)"};
    return {};
}

const char* table_exists_query(backend kind)
{
    if (kind == backend::sqlite) return "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = :name";
    return "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = :name";
}

namespace {

void replace_all(std::string& s, std::string_view from, std::string_view to)
{
    for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
        s.replace(pos, from.size(), to);
}

std::string trim(std::string_view s)
{
    auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos) return {};
    auto e = s.find_last_not_of(" \t\r\n");
    return std::string{s.substr(b, e - b + 1)};
}

bool word_at(std::string_view sql, std::size_t i, std::string_view word)
{
    if (i + word.size() > sql.size()) return false;
    if (i > 0 && (std::isalnum(static_cast<unsigned char>(sql[i - 1])) || sql[i - 1] == '_')) return false;
    for (std::size_t k = 0; k < word.size(); ++k)
        if (std::toupper(static_cast<unsigned char>(sql[i + k])) != word[k]) return false;
    auto after = i + word.size();
    return after == sql.size() || !(std::isalnum(static_cast<unsigned char>(sql[after])) || sql[after] == '_');
}

} // namespace

std::string render_migration(backend kind, std::string_view sql)
{
    std::istringstream in{std::string{sql}};
    std::string line;
    std::string out;
    bool keep = true;
    while (std::getline(in, line)) {
        const std::string t = trim(line);
        if (t == "-- @postgresql") { keep = kind == backend::postgresql; continue; }
        if (t == "-- @sqlite") { keep = kind == backend::sqlite; continue; }
        if (t == "-- @all") { keep = true; continue; }
        if (keep) { out += line; out += '\n'; }
    }
    const bool pg = kind == backend::postgresql;
    replace_all(out, "{{pk}}", pg ? "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT");
    replace_all(out, "{{json}}", pg ? "JSONB" : "TEXT");
    replace_all(out, "{{blob}}", pg ? "BYTEA" : "BLOB");
    return out;
}

std::vector<std::string> split_statements(std::string_view sql)
{
    std::vector<std::string> statements;
    std::string current;
    bool in_trigger = false;
    int block_depth = 0;
    for (std::size_t i = 0; i < sql.size(); ++i) {
        const char c = sql[i];
        if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') { // line comment
            while (i < sql.size() && sql[i] != '\n') ++i;
            current += '\n';
            continue;
        }
        if (c == '\'' || c == '"') { // quoted literal or identifier; doubled quote escapes
            const char q = c;
            current += c;
            for (++i; i < sql.size(); ++i) {
                current += sql[i];
                if (sql[i] == q) {
                    if (i + 1 < sql.size() && sql[i + 1] == q) { current += sql[++i]; continue; }
                    break;
                }
            }
            continue;
        }
        if (c == '$') { // PostgreSQL dollar quote: $$ or $tag$
            auto close = sql.find('$', i + 1);
            if (close != std::string_view::npos) {
                auto tag = sql.substr(i, close - i + 1);
                bool valid = true;
                for (char t : tag.substr(1, tag.size() - 2)) valid = valid && (std::isalnum(static_cast<unsigned char>(t)) || t == '_');
                if (valid) {
                    auto end = sql.find(tag, close + 1);
                    if (end == std::string_view::npos) end = sql.size() - tag.size();
                    current += sql.substr(i, end + tag.size() - i);
                    i = end + tag.size() - 1;
                    continue;
                }
            }
        }
        if (word_at(sql, i, "TRIGGER") && !in_trigger) in_trigger = true;
        if (in_trigger && word_at(sql, i, "BEGIN")) ++block_depth;
        if (in_trigger && block_depth > 0 && word_at(sql, i, "CASE")) ++block_depth; // CASE … END nests
        if (in_trigger && block_depth > 0 && word_at(sql, i, "END")) --block_depth;
        if (c == ';' && block_depth == 0) {
            auto statement = trim(current);
            if (!statement.empty()) statements.push_back(statement);
            current.clear();
            in_trigger = false;
            continue;
        }
        current += c;
    }
    auto statement = trim(current);
    if (!statement.empty()) statements.push_back(statement);
    return statements;
}

} // namespace dps::db
