// Keyset pages of a list ordered by id (issue 11): a caller asks for at most `limit` items after the
// id it saw last, and learns where the next page starts. An offset would make the database walk
// every row before the page, and a row added meanwhile would shift the pages under the reader.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace dps {

struct page_request {
    static constexpr std::int64_t kDefaultLimit = 100;
    static constexpr std::int64_t kMaxLimit = 500; // documented in docs/openapi.yaml (PageLimit)
    std::int64_t limit = kDefaultLimit;
    std::optional<std::int64_t> after; // the last id of the previous page

    // The store reads one row more than the page holds, so it knows whether another page follows.
    std::int64_t rows_to_read() const { return limit + 1; }
    std::int64_t after_id() const { return after.value_or(0); }
};

template <class T>
struct page {
    std::vector<T> items;
    std::optional<std::int64_t> next_after; // set when another page follows: pass it as `after`
};

// Cuts what a store read (at most rows_to_read(), in id order) down to the page.
template <class T>
page<T> to_page(std::vector<T> rows, const page_request& asked)
{
    page<T> out;
    if (static_cast<std::int64_t>(rows.size()) > asked.limit) {
        rows.resize(static_cast<std::size_t>(asked.limit));
        out.next_after = rows.back().id;
    }
    out.items = std::move(rows);
    return out;
}

} // namespace dps
