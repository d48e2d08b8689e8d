// Reading columns from soci::row the same way on both databases (SQLite and PostgreSQL report
// integer widths differently), with NULL as std::nullopt.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace soci { class row; }

namespace dps::db {

std::int64_t int_at(const soci::row& r, std::size_t i);
std::optional<std::int64_t> opt_int_at(const soci::row& r, std::size_t i);
std::string text_at(const soci::row& r, std::size_t i);
std::optional<std::string> opt_text_at(const soci::row& r, std::size_t i);

} // namespace dps::db
