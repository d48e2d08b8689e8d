// Copy-on-write updates of the plugin snapshot.
#include "plugins/plugin_registry.hpp"

#include <cstdio>

namespace dps::plugins::detail {

plugin_registry::plugin_registry() : current_(std::make_shared<const plugin_map>()) {}

std::shared_ptr<const plugin_map> plugin_registry::snapshot() const
{
    std::lock_guard lock(mutex_);
    return current_;
}

plugin_info plugin_registry::put(std::shared_ptr<compiled_plugin> plugin)
{
    std::lock_guard lock(mutex_);
    plugin->info.version = ++versions_;
    plugin_info info = plugin->info;
    if (const auto previous = current_->find(info.tenant); previous != current_->end())
        plugin->counters = previous->second->counters;
    auto next = std::make_shared<plugin_map>(*current_);
    (*next)[info.tenant] = std::move(plugin);
    current_ = std::move(next);
    generation_.fetch_add(1, std::memory_order_acq_rel); // after the snapshot, so readers see it
    return info;
}

bool plugin_registry::erase(std::string_view tenant)
{
    std::lock_guard lock(mutex_);
    if (current_->find(tenant) == current_->end())
        return false;
    auto next = std::make_shared<plugin_map>(*current_);
    next->erase(next->find(tenant));
    current_ = std::move(next);
    generation_.fetch_add(1, std::memory_order_acq_rel);
    return true;
}

std::string source_hash(std::string_view source)
{
    std::uint64_t hash = 14695981039346656037ull;
    for (const char c : source) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 1099511628211ull;
    }
    char buffer[17];
    std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(hash));
    return buffer;
}

} // namespace dps::plugins::detail
