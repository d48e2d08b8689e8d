#include "http/csv.hpp"

#include <cctype>
#include <stdexcept>

namespace dps::http {

std::string csv_field(std::string_view text)
{
    std::string value{text};
    // A leading - followed by a digit is a negative number, kept as it is.
    if (!value.empty() && (value[0] == '=' || value[0] == '+' || value[0] == '@' ||
                           (value[0] == '-' && (value.size() == 1 || !std::isdigit(static_cast<unsigned char>(value[1]))))))
        value.insert(value.begin(), '\'');
    if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
    std::string out = "\"";
    for (char c : value) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

csv_table::csv_table(std::vector<std::string> header) : header_(std::move(header)) {}

void csv_table::add(std::vector<std::string> row)
{
    if (row.size() != header_.size()) throw std::logic_error("csv row has " + std::to_string(row.size()) + " fields, header " + std::to_string(header_.size()));
    rows_.push_back(std::move(row));
}

std::string csv_table::text() const
{
    std::string out = "\xEF\xBB\xBF";
    auto line = [&](const std::vector<std::string>& fields) {
        for (std::size_t i = 0; i < fields.size(); ++i) {
            if (i) out += ',';
            out += csv_field(fields[i]);
        }
        out += "\r\n";
    };
    line(header_);
    for (const auto& r : rows_) line(r);
    return out;
}

} // namespace dps::http
