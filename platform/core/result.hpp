// result<T>: a value or an error, for returns across layer boundaries
// (std::expected is C++23; this is the small subset the platform needs).
#pragma once

#include "core/error.hpp"

#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

namespace dps {

template <class T>
class [[nodiscard]] result {
public:
    result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
    result(error err) : state_(std::in_place_index<1>, std::move(err)) {}

    bool ok() const noexcept { return state_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    T& value() & { assert(ok()); return std::get<0>(state_); }
    const T& value() const& { assert(ok()); return std::get<0>(state_); }
    T&& value() && { assert(ok()); return std::get<0>(std::move(state_)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const error& err() const& { assert(!ok()); return std::get<1>(state_); }
    error&& err() && { assert(!ok()); return std::get<1>(std::move(state_)); }

    // The next step on the value (f returns a result<U>), or this error passed on: a chain of steps
    // that each may fail reads as one expression instead of `if (!x) return x.err();` after each.
    template <class F>
    auto and_then(F&& f) const& -> std::invoke_result_t<F, const T&>
    {
        if (!ok()) return err();
        return std::forward<F>(f)(value());
    }
    // The value mapped by f (which cannot fail), or this error passed on.
    template <class F>
    auto transform(F&& f) const& -> result<std::invoke_result_t<F, const T&>>
    {
        if (!ok()) return err();
        return std::forward<F>(f)(value());
    }

private:
    std::variant<T, error> state_;
};

struct ok_t {};
using status = result<ok_t>;
inline status ok_status() { return ok_t{}; }

} // namespace dps
