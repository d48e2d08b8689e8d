// Column readers over soci::row.
#include "db/row_reader.hpp"

#include <soci/soci.h>

#include <stdexcept>

namespace dps::db {

std::optional<std::int64_t> opt_int_at(const soci::row& r, std::size_t i)
{
    if (r.get_indicator(i) == soci::i_null) return std::nullopt;
    switch (r.get_properties(i).get_data_type()) {
    case soci::dt_integer: return r.get<int>(i);
    case soci::dt_long_long: return r.get<long long>(i);
    case soci::dt_unsigned_long_long: return static_cast<std::int64_t>(r.get<unsigned long long>(i));
    case soci::dt_double: return static_cast<std::int64_t>(r.get<double>(i));
    case soci::dt_string: return std::stoll(r.get<std::string>(i));
    default: throw std::runtime_error("column " + std::to_string(i) + " is not an integer");
    }
}

std::int64_t int_at(const soci::row& r, std::size_t i)
{
    auto v = opt_int_at(r, i);
    if (!v) throw std::runtime_error("column " + std::to_string(i) + " is unexpectedly NULL");
    return *v;
}

std::optional<std::string> opt_text_at(const soci::row& r, std::size_t i)
{
    if (r.get_indicator(i) == soci::i_null) return std::nullopt;
    return r.get<std::string>(i);
}

std::string text_at(const soci::row& r, std::size_t i) { return opt_text_at(r, i).value_or(""); }

std::size_t column(const soci::row& r, std::string_view name)
{
    for (std::size_t i = 0; i < r.size(); ++i)
        if (r.get_properties(i).get_name() == name) return i;
    throw std::runtime_error("the row has no column '" + std::string{name} + "'");
}

std::optional<double> opt_double_of(const soci::row& r, std::string_view name)
{
    const std::size_t i = column(r, name);
    if (r.get_indicator(i) == soci::i_null) return std::nullopt;
    if (r.get_properties(i).get_data_type() == soci::dt_double) return r.get<double>(i);
    return static_cast<double>(int_at(r, i));
}

} // namespace dps::db
