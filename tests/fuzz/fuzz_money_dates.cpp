// Money and date arithmetic (issue 15, defects 2 and 4): checked sums and products agree with
// 128-bit arithmetic and never pass the bounds; the contract arithmetic never overflows (UBSan
// aborts on signed overflow); ISO dates and timestamps round-trip; month arithmetic stays in range.
#include "calloff/contract_terms.hpp"
#include "core/clock.hpp"
#include "core/money.hpp"
#include "plugins/iso_date.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

struct reader {
    const std::uint8_t* data;
    std::size_t size;
    std::int64_t i64()
    {
        std::int64_t v = 0;
        const std::size_t n = size < sizeof v ? size : sizeof v;
        std::memcpy(&v, data, n);
        data += n;
        size -= n;
        return v;
    }
    std::string text(std::size_t max)
    {
        const std::size_t n = size < max ? size : max;
        std::string out(reinterpret_cast<const char*>(data), n);
        data += n;
        size -= n;
        return out;
    }
};

void check(bool ok)
{
    if (!ok) std::abort();
}

// A date string the fuzzer steers: either raw text or a valid date from a day number.
std::string some_date(reader& r)
{
    const auto pick = r.i64();
    if (pick & 1) return r.text(12);
    using namespace std::chrono;
    const auto day = sys_days{year{1990} / January / 1} + days{(pick >> 1) % 50000};
    return dps::plugins::format_iso_date(year_month_day{day});
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace dps;
    reader r{data, size};
    const auto a = r.i64(), b = r.i64(), c = r.i64();

    // Checked arithmetic against a 128-bit reference.
    const auto in_bounds = [](money::wide_pence v) { return v <= money::kMaxAmount && v >= -money::kMaxAmount; };
    const money::wide_pence wa = a, wb = b;
    check(money::add(a, b).has_value() == in_bounds(wa + wb));
    if (auto s = money::add(a, b)) check(*s == wa + wb);
    check(money::sub(a, b).has_value() == in_bounds(wa - wb));
    if (auto s = money::sub(a, b)) check(*s == wa - wb);
    check(money::mul(a, b).has_value() == in_bounds(wa * wb));
    if (auto s = money::mul(a, b)) check(*s == wa * wb);
    // pro_rata within its contract: whole > 0, 0 <= part <= whole, a bounded amount.
    if (in_bounds(a) && c != 0) {
        const std::int64_t whole = c == INT64_MIN ? INT64_MAX : (c < 0 ? -c : c);
        const std::int64_t part = (b == INT64_MIN ? 0 : (b < 0 ? -b : b)) % (whole + (whole < INT64_MAX ? 1 : 0));
        const auto share = money::pro_rata(a, part, whole);
        check(a >= 0 ? share >= 0 && share <= a : share <= 0 && share >= a);
    }

    // Contract terms priced over fuzzed dates and rates: either a bounded value or nullopt.
    calloff::contract_terms before{};
    before.hourly_rate_pence = a % (money::kMaxHourlyRate + 2);
    before.hours_per_week = b % 200;
    before.weekly_cost_pence = c % (money::kMaxWeeklyCost + 2);
    before.block_discount_percent = (a >> 8) % 120;
    before.ends_on = some_date(r);
    calloff::contract_terms after = before;
    after.hourly_rate_pence = r.i64() % (money::kMaxHourlyRate + 2);
    after.ends_on = some_date(r);
    const auto effective = some_date(r);
    if (auto w = calloff::weekly_cost(before)) check(in_bounds(*w));
    if (auto v = calloff::cost_between(before, effective, before.ends_on)) check(in_bounds(*v));
    if (auto v = calloff::changed_value(a % money::kMaxAmount, before, after, effective)) check(in_bounds(*v));

    // Dates: a parsed date formats back to the same text; months move within the calendar.
    const auto text = r.text(32);
    if (auto d = plugins::parse_iso_date(text)) check(plugins::format_iso_date(*d) == text);
    if (auto d = plugins::parse_service_date(text)) check(plugins::parse_iso_date(text) == d);
    const int months = static_cast<int>(a % 2400);
    if (auto moved = plugins::add_months(text, months)) check(plugins::parse_iso_date(*moved).has_value());
    if (auto ends = plugins::termination_effective_date(text, months)) check(plugins::parse_iso_date(*ends).has_value());
    if (auto fy = plugins::financial_year(text)) check(!fy->empty());
    if (auto t = parse_timestamp(text)) check(format_timestamp(*t) == text);
    return 0;
}
