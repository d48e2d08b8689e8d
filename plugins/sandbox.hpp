// One Lua state with a whitelisted environment, a memory ceiling and a call budget.
// A sandbox is single-threaded: each belongs to one worker thread.
#pragma once

#include "plugins/lua_budget.hpp"

#include <cstddef>
#include <memory>

struct lua_State;

namespace dps::plugins::detail {

class sandbox {
public:
    // nullptr when the base environment cannot be built within `memory_limit`.
    static std::unique_ptr<sandbox> create(std::size_t memory_limit);
    ~sandbox();
    sandbox(const sandbox&) = delete;
    sandbox& operator=(const sandbox&) = delete;

    lua_State* state() const noexcept { return L_; }
    lua_context& context() noexcept { return context_; }
    std::size_t memory_bytes() const noexcept { return context_.memory.allocated; }
    // Registry reference of the environment table scripts run in.
    int environment_ref() const noexcept { return environment_ref_; }

private:
    sandbox() = default;
    lua_context context_;
    lua_State* L_ = nullptr;
    int environment_ref_ = 0;
};

} // namespace dps::plugins::detail
