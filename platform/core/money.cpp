// Money as people read it.
#include "core/money.hpp"

namespace dps::money {

std::string pounds(pence amount)
{
    const bool negative = amount < 0;
    const std::int64_t whole = (negative ? -amount : amount) / 100, part = (negative ? -amount : amount) % 100;
    std::string digits = std::to_string(whole), grouped;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
        grouped += digits[i];
    }
    return std::string{negative ? "-" : ""} + "£" + grouped + "." + (part < 10 ? "0" : "") + std::to_string(part);
}

std::string decimal_pounds(pence amount)
{
    const bool negative = amount < 0;
    const std::int64_t whole = (negative ? -amount : amount) / 100, part = (negative ? -amount : amount) % 100;
    return std::string{negative ? "-" : ""} + std::to_string(whole) + "." + (part < 10 ? "0" : "") + std::to_string(part);
}

} // namespace dps::money
