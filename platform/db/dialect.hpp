// Every difference between PostgreSQL and SQLite that the platform relies on, in one place.
#pragma once

#include "db/database_url.hpp"
#include "db/scope.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace soci { class session; }

namespace dps::db {

// Statements run on every new connection (pragmas, session settings).
std::vector<std::string> connection_setup(backend kind);

// How a read-write transaction starts. SQLite's BEGIN IMMEDIATE takes the write lock up front,
// so two writers queue on busy_timeout instead of deadlocking on a lock upgrade.
const char* begin_transaction(backend kind);

// Tells the database whose rows this transaction may see (PostgreSQL row-level security);
// transaction-local, so a pooled connection never carries one request's scope into the next.
void apply_scope(backend kind, soci::session& sql, const struct scope& where);
// The transaction's start and its scope in one round trip (PostgreSQL: one simple-query message
// holding BEGIN and the settings; SQLite: begin_transaction, which has no scope to set).
std::string begin_in_scope(backend kind, const struct scope& where, access mode = access::read_write);

// " FOR UPDATE" on PostgreSQL, to lock the rows a SELECT reads until the transaction ends; empty on
// SQLite, where BEGIN IMMEDIATE already holds the database's single write lock.
const char* for_update(backend kind);

// An aggregate turning the rows of a correlated subquery into one JSON array of arrays, so a row
// and its children come back in one round trip: PostgreSQL's json_agg (ordered by `order_by`, '[]'
// when there are none), SQLite's json_group_array (which takes the order of the rows it is fed:
// select from an ordered subquery).
std::string json_array_agg(backend kind, std::string_view elements, std::string_view order_by);

// Serialises concurrent migration runs (PostgreSQL advisory lock; SQLite's write lock suffices).
std::vector<std::string> migration_lock(backend kind);

// A query with one parameter, :name, counting tables of that name in the current schema.
const char* table_exists_query(backend kind);

// Renders a migration's portable SQL for one backend:
//  * tokens: {{pk}} (auto-increment primary key), {{json}}, {{blob}};
//  * sections: lines after "-- @postgresql" or "-- @sqlite" apply to that backend only,
//    until "-- @all" or the next section.
std::string render_migration(backend kind, std::string_view sql);

// Splits a script into statements at top-level semicolons: quotes, dollar quotes, comments
// and CREATE TRIGGER … BEGIN … END bodies are kept whole. SQLite prepares one statement at a time.
std::vector<std::string> split_statements(std::string_view sql);

} // namespace dps::db
