// The cache of installed plugins: an immutable snapshot replaced on every install, plus a
// generation counter. Callers keep their own copy of the snapshot and take the (short) lock only
// when the counter says it changed, so the call path is lock-free; in-flight calls keep the
// version they started with because they hold its shared_ptr.
#pragma once

#include "plugins/hooks.hpp"
#include "plugins/plugin_types.hpp"
#include "plugins/tenant_state.hpp"

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace dps::plugins::detail {

// A tenant's hook counters, for GET /metrics: carried from each version to the next, so that a new
// version does not reset them (they go only with the plugin, on uninstall).
struct tenant_counters {
    std::atomic<std::uint64_t> calls{0}, failures{0}, limit_kills{0};
};

struct compiled_plugin {
    plugin_source source;
    plugin_info info;
    std::array<bool, hook_count> defined{};
    std::array<int, hook_count> lines{}; // where each defined hook starts
    std::shared_ptr<tenant_counters> counters = std::make_shared<tenant_counters>();
};

struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const noexcept { return std::hash<std::string_view>{}(text); }
};

using plugin_map =
    std::unordered_map<std::string, std::shared_ptr<const compiled_plugin>, string_hash, std::equal_to<>>;

class plugin_registry {
public:
    plugin_registry();

    // Bumped after every change; readers compare it with the generation of their cached snapshot.
    std::uint64_t generation() const noexcept { return generation_.load(std::memory_order_acquire); }
    std::shared_ptr<const plugin_map> snapshot() const;

    // Publishes the plugin with the next version number (assigned under the lock, so versions
    // of one tenant are published in order) and returns its info.
    plugin_info put(std::shared_ptr<compiled_plugin> plugin);
    bool erase(std::string_view tenant);

private:
    // A mutex rather than std::atomic<std::shared_ptr>: libstdc++ 12's version unlocks its
    // internal spin lock with a relaxed store after load(), which ThreadSanitizer (rightly,
    // by the letter of the memory model) reports as a race.
    mutable std::mutex mutex_;
    std::shared_ptr<const plugin_map> current_;
    std::atomic<std::uint64_t> generation_{1};
    std::uint64_t versions_ = 0;
};

// FNV-1a 64 of the source as 16 hex digits: identifies a version, not a security hash.
std::string source_hash(std::string_view source);

} // namespace dps::plugins::detail
