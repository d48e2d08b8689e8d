// Reading columns from soci::row the same way on both databases (SQLite and PostgreSQL report
// integer widths differently), with NULL as std::nullopt.
#pragma once

#include "core/vocabulary.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace soci { class row; }

namespace dps::db {

std::int64_t int_at(const soci::row& r, std::size_t i);
std::optional<std::int64_t> opt_int_at(const soci::row& r, std::size_t i);
std::string text_at(const soci::row& r, std::size_t i);
std::optional<std::string> opt_text_at(const soci::row& r, std::size_t i);

// The same by column name, so a record's mapper reads beside its column list and survives a column
// added in the middle. The name is the column's own (`c.id` reads as "id"); a missing name throws.
std::size_t column(const soci::row& r, std::string_view name);
inline std::int64_t int_of(const soci::row& r, std::string_view name) { return int_at(r, column(r, name)); }
inline std::optional<std::int64_t> opt_int_of(const soci::row& r, std::string_view name) { return opt_int_at(r, column(r, name)); }
inline std::string text_of(const soci::row& r, std::string_view name) { return text_at(r, column(r, name)); }
inline std::optional<std::string> opt_text_of(const soci::row& r, std::string_view name) { return opt_text_at(r, column(r, name)); }
std::optional<double> opt_double_of(const soci::row& r, std::string_view name);
// A status column as its enum (core/vocabulary.hpp); a word the enum does not know throws.
template <class E>
E enum_of(const soci::row& r, std::string_view name)
{
    return from_column<E>(text_of(r, name));
}

} // namespace dps::db
