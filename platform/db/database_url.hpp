// DPS_DB_URL: which backend, how SOCI connects to it, and a form safe to log.
#pragma once

#include "core/result.hpp"

#include <string>

namespace dps::db {

enum class backend { sqlite, postgresql };

struct database_url {
    backend kind = backend::sqlite;
    std::string connect_string; // what SOCI's backend receives
    std::string redacted;       // for logs and messages: no password
};

// Accepts "sqlite:PATH" and "postgresql://…" / "postgres://…" (libpq URI syntax, checked by libpq).
result<database_url> parse_database_url(const std::string& text);

const char* backend_name(backend kind) noexcept;

} // namespace dps::db
