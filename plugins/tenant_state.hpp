// A tenant's plugin loaded into one sandbox: the hook functions it returned and where each is defined.
#pragma once

#include "core/result.hpp"
#include "plugins/hooks.hpp"
#include "plugins/plugin_types.hpp"
#include "plugins/sandbox.hpp"

#include <array>
#include <memory>
#include <string>
#include <string_view>

namespace dps::plugins::detail {

struct hook_site {
    bool defined = false;
    int ref = 0;  // registry reference of the function
    int line = 0; // line where the function is defined
};

// The text a plugin is built from; immutable once installed.
struct plugin_source {
    std::string tenant;
    std::string file;   // label for messages and the chunk name
    std::string source;
};

class tenant_state {
public:
    // Compiles the source in text mode, runs the chunk under the budget and checks that it
    // returned a table of known hooks, each a function.
    static result<std::unique_ptr<tenant_state>> load(const plugin_source& plugin, const plugin_limits& limits);

    sandbox& box() noexcept { return *box_; }
    lua_State* state() const noexcept { return box_->state(); }
    const hook_site& site(hook_id id) const noexcept { return sites_[static_cast<std::size_t>(id)]; }
    std::size_t memory_bytes() const noexcept { return box_->memory_bytes(); }

private:
    std::unique_ptr<sandbox> box_;
    std::array<hook_site, hook_count> sites_{};
};

} // namespace dps::plugins::detail
