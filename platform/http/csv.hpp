// CSV as councils open it: RFC 4180 (fields with a comma, quote or line break quoted, quotes
// doubled, CRLF line ends), UTF-8 with a byte-order mark so Excel reads the encoding right.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace dps::http {

// One field, quoted only where RFC 4180 needs it. A field that a spreadsheet would run as a formula
// (starting =, +, - or @ followed by a non-digit) is prefixed with an apostrophe (OWASP "CSV injection").
std::string csv_field(std::string_view text);

class csv_table {
public:
    explicit csv_table(std::vector<std::string> header);
    void add(std::vector<std::string> row); // as many fields as the header
    std::string text() const;               // BOM, header, rows; each line ends CRLF
    std::size_t rows() const { return rows_.size(); }

private:
    std::vector<std::string> header_;
    std::vector<std::vector<std::string>> rows_;
};

} // namespace dps::http
