// The host: a registry of compiled plugins plus, per worker thread, one Lua state per tenant.
#include "plugins/plugin_host.hpp"

#include "plugins/hook_calls.hpp"
#include "plugins/hook_results.hpp"
#include "plugins/plugin_error.hpp"
#include "plugins/plugin_registry.hpp"

#include <lua.hpp>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <sstream>

namespace dps::plugins {

using namespace detail;

namespace {

std::atomic<std::uint64_t> next_host_id{1};

struct cached_state {
    std::shared_ptr<const compiled_plugin> plugin;
    std::unique_ptr<tenant_state> state;
};

// One per (worker thread, host): owned by the thread, so the hot path takes no lock.
struct thread_cache {
    std::uint64_t host_id = 0;
    std::weak_ptr<const int> host_alive;
    std::uint64_t generation = 0;
    std::shared_ptr<const plugin_map> snapshot;
    std::unordered_map<std::string, cached_state, string_hash, std::equal_to<>> states;
};

thread_local std::vector<std::unique_ptr<thread_cache>> thread_caches;

bool valid_tenant_name(std::string_view tenant)
{
    return !tenant.empty() && tenant.size() <= 64 &&
           std::all_of(tenant.begin(), tenant.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
           });
}

std::optional<std::int64_t> integer_field(const boost::json::object& object, std::string_view key)
{
    const boost::json::value* value = object.if_contains(key);
    if (value && value->is_int64())
        return value->get_int64();
    if (value && value->is_uint64() && value->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
        return static_cast<std::int64_t>(value->get_uint64());
    return std::nullopt;
}

} // namespace

struct plugin_host::impl {
    plugin_limits limits;
    plugin_registry registry;
    std::uint64_t host_id = next_host_id.fetch_add(1);
    std::shared_ptr<const int> alive = std::make_shared<const int>(0);
    mutable std::atomic<std::uint64_t> calls{0}, failures{0}, limit_kills{0}, state_builds{0};

    thread_cache& cache() const
    {
        for (auto& entry : thread_caches)
            if (entry->host_id == host_id)
                return *entry;
        // Drop what destroyed hosts left on this thread before adding this host's cache.
        std::erase_if(thread_caches, [](const auto& entry) { return entry->host_alive.expired(); });
        auto entry = std::make_unique<thread_cache>();
        entry->host_id = host_id;
        entry->host_alive = alive;
        thread_caches.push_back(std::move(entry));
        return *thread_caches.back();
    }

    result<std::shared_ptr<const compiled_plugin>> find(thread_cache& tc, std::string_view tenant) const
    {
        const std::uint64_t generation = registry.generation(); // read before the snapshot
        if (tc.generation != generation) {
            tc.snapshot = registry.snapshot();
            tc.generation = generation;
            // Free states built from versions that are no longer current.
            std::erase_if(tc.states, [&](const auto& entry) {
                const auto current = tc.snapshot->find(entry.first);
                return current == tc.snapshot->end() || current->second != entry.second.plugin;
            });
        }
        const auto found = tc.snapshot->find(tenant);
        if (found == tc.snapshot->end())
            return make_error(error_kind::not_found, std::string{plugins::kNotInstalled},
                              "no plugin is installed for tenant '" + std::string(tenant) + "'");
        return found->second;
    }

    result<tenant_state*> state_for(thread_cache& tc, const std::shared_ptr<const compiled_plugin>& plugin) const
    {
        const std::string& tenant = plugin->source.tenant;
        auto found = tc.states.find(tenant);
        if (found != tc.states.end() && found->second.plugin == plugin)
            return found->second.state.get();
        auto loaded = tenant_state::load(plugin->source, limits);
        state_builds.fetch_add(1, std::memory_order_relaxed);
        if (!loaded) {
            error failure = std::move(loaded).err();
            failure.kind = error_kind::internal; // it loaded at install, so this is the host's problem
            return failure;
        }
        if (found == tc.states.end())
            found = tc.states.emplace(tenant, cached_state{}).first;
        found->second = cached_state{plugin, std::move(loaded).value()};
        return found->second.state.get();
    }

    template <class T, class Fallback, class Reader>
    result<T> call(std::string_view tenant, hook_id id, std::initializer_list<hook_argument> args, Fallback fallback,
                   Reader read) const
    {
        thread_cache& tc = cache();
        auto plugin = find(tc, tenant);
        if (!plugin)
            return std::move(plugin).err();
        const compiled_plugin& compiled = **plugin;
        const auto index = static_cast<std::size_t>(id);
        const hook_origin origin{compiled.source.tenant, name_of(id), compiled.source.file, compiled.lines[index]};
        if (!compiled.defined[index])
            return fallback(origin);
        auto state = state_for(tc, *plugin);
        if (!state)
            return std::move(state).err();
        tenant_state& ts = **state;
        calls.fetch_add(1, std::memory_order_relaxed);
        compiled.counters->calls.fetch_add(1, std::memory_order_relaxed);
        raw_call outcome = call_hook(ts, id, args, limits);
        if (!outcome.ok) {
            failures.fetch_add(1, std::memory_order_relaxed);
            compiled.counters->failures.fetch_add(1, std::memory_order_relaxed);
            error failure = outcome.broken != limit_kind::none
                                ? limit_error(origin, outcome)
                                : plugin_error(error_kind::unprocessable, origin, "runtime error: " + outcome.error);
            if (outcome.broken != limit_kind::none) {
                limit_kills.fetch_add(1, std::memory_order_relaxed);
                compiled.counters->limit_kills.fetch_add(1, std::memory_order_relaxed);
            }
            if (!settle_after_call(ts, true, limits))
                tc.states.erase(compiled.source.tenant); // still bloated after a full collection
            return failure;
        }
        T value{};
        std::string problem;
        const bool valid = read(ts.state(), outcome.results, value, problem);
        settle_after_call(ts, false, limits);
        if (!valid) {
            failures.fetch_add(1, std::memory_order_relaxed);
            compiled.counters->failures.fetch_add(1, std::memory_order_relaxed);
            return plugin_error(error_kind::unprocessable, origin, "bad return value: " + problem);
        }
        return value;
    }

    error limit_error(const hook_origin& origin, const raw_call& outcome) const
    {
        std::string what = describe(outcome.broken);
        switch (outcome.broken) {
        case limit_kind::instructions: what += " (" + std::to_string(limits.instructions) + " instructions)"; break;
        case limit_kind::memory: what += " (" + std::to_string(limits.memory_bytes) + " bytes)"; break;
        case limit_kind::wall_time: what += " (" + std::to_string(limits.wall_time.count()) + " ms)"; break;
        case limit_kind::none: break;
        }
        if (!outcome.kill_site.empty())
            what += ", stopped at " + outcome.kill_site;
        return plugin_error(error_kind::internal, origin, what, outcome.error);
    }
};

plugin_host::plugin_host(plugin_limits limits) : impl_(std::make_unique<impl>())
{
    impl_->limits = limits;
}

plugin_host::~plugin_host() = default;

const plugin_limits& plugin_host::limits() const noexcept { return impl_->limits; }

result<plugin_info> plugin_host::install(std::string tenant, std::string source, std::string file)
{
    if (!valid_tenant_name(tenant))
        return make_error(error_kind::bad_request, "invalid_tenant",
                          "tenant names are 1 to 64 characters of a-z, 0-9, '-' and '_'");
    plugin_source plugin{std::move(tenant), std::move(file), std::move(source)};
    auto loaded = tenant_state::load(plugin, impl_->limits);
    if (!loaded)
        return std::move(loaded).err();
    auto compiled = std::make_shared<compiled_plugin>();
    for (std::size_t i = 0; i < hook_count; ++i) {
        const hook_site& site = (*loaded)->site(static_cast<hook_id>(i));
        compiled->defined[i] = site.defined;
        compiled->lines[i] = site.line;
        if (site.defined)
            compiled->info.hooks.emplace_back(hook_names[i]);
    }
    compiled->info.tenant = plugin.tenant;
    compiled->info.file = plugin.file;
    compiled->info.hash = source_hash(plugin.source);
    compiled->source = std::move(plugin);
    return impl_->registry.put(std::move(compiled));
}

result<plugin_info> plugin_host::install_file(std::string tenant, const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary);
    if (!in)
        return make_error(error_kind::not_found, "plugin_file_missing", "cannot read plugin file " + file.string());
    std::ostringstream text;
    text << in.rdbuf();
    return install(std::move(tenant), std::move(text).str(), file.generic_string());
}

bool plugin_host::uninstall(std::string_view tenant) { return impl_->registry.erase(tenant); }

std::optional<plugin_info> plugin_host::info(std::string_view tenant) const
{
    const auto snapshot = impl_->registry.snapshot();
    const auto found = snapshot->find(tenant);
    if (found == snapshot->end())
        return std::nullopt;
    return found->second->info;
}

result<std::vector<lot_definition>> plugin_host::lots(std::string_view tenant,
                                                      std::span<const std::string> lead_lot_codes) const
{
    return impl_->call<std::vector<lot_definition>>(
        tenant, hook_id::lots, {}, [](const hook_origin&) { return result<std::vector<lot_definition>>(std::vector<lot_definition>{}); },
        [&](lua_State* L, int n, std::vector<lot_definition>& out, std::string& problem) {
            return read_lots(L, n, &lead_lot_codes, out, problem);
        });
}

result<std::vector<lot_definition>> plugin_host::lots_unverified(std::string_view tenant) const
{
    return impl_->call<std::vector<lot_definition>>(
        tenant, hook_id::lots, {}, [](const hook_origin&) { return result<std::vector<lot_definition>>(std::vector<lot_definition>{}); },
        [](lua_State* L, int n, std::vector<lot_definition>& out, std::string& problem) {
            return read_lots(L, n, nullptr, out, problem);
        });
}

result<pence> plugin_host::annual_fee(std::string_view tenant, const boost::json::object& lot,
                                      const boost::json::object& agreement) const
{
    return impl_->call<pence>(
        tenant, hook_id::annual_fee, {{&lot, {}}, {&agreement, {}}},
        [](const hook_origin&) { return result<pence>(0); }, read_fee);
}

result<int> plugin_host::termination_notice(std::string_view tenant, const boost::json::object& agreement) const
{
    return impl_->call<int>(
        tenant, hook_id::termination_notice, {{&agreement, {}}}, [](const hook_origin&) { return result<int>(6); },
        read_notice_months);
}

result<std::vector<approval_step>> plugin_host::approval_route(std::string_view tenant,
                                                               const boost::json::object& award) const
{
    return impl_->call<std::vector<approval_step>>(
        tenant, hook_id::approval_route, {{&award, {}}},
        [](const hook_origin&) {
            return result<std::vector<approval_step>>(std::vector<approval_step>{approval_step{"budget_holder", {}}});
        },
        read_route);
}

result<eligibility> plugin_host::eligible(std::string_view tenant, const boost::json::object& provider,
                                          const boost::json::object& lot) const
{
    return impl_->call<eligibility>(
        tenant, hook_id::eligible, {{&provider, {}}, {&lot, {}}},
        [](const hook_origin&) { return result<eligibility>(eligibility{true, {}}); }, read_eligibility);
}

result<double> plugin_host::score_bid(std::string_view tenant, const boost::json::object& bid,
                                      const boost::json::object& call_off) const
{
    return impl_->call<double>(
        tenant, hook_id::score_bid, {{&bid, {}}, {&call_off, {}}},
        [&](const hook_origin& origin) -> result<double> {
            const auto total = integer_field(bid, "total_pence");
            if (!total)
                return plugin_error(error_kind::unprocessable, origin,
                                    "default scoring needs the bid's total_pence as an integer");
            return -static_cast<double>(*total);
        },
        read_score);
}

result<pence> plugin_host::rate_uplift(std::string_view tenant, const boost::json::object& contract,
                                       std::string_view date) const
{
    if (!parse_iso_date(date))
        return make_error(error_kind::bad_request, "invalid_plugin_input",
                          "rate_uplift needs an ISO date (YYYY-MM-DD), not '" + std::string(date) + "'");
    return impl_->call<pence>(
        tenant, hook_id::rate_uplift, {{&contract, {}}, {nullptr, date}},
        [&](const hook_origin& origin) -> result<pence> {
            const auto rate = integer_field(contract, "hourly_rate_pence");
            if (!rate)
                return plugin_error(error_kind::unprocessable, origin,
                                    "the default (unchanged rate) needs the contract's hourly_rate_pence as an integer");
            return *rate;
        },
        read_rate);
}

result<std::optional<dps::plugins::spend_authority>> plugin_host::spend_authority(std::string_view tenant) const
{
    using value_type = std::optional<dps::plugins::spend_authority>;
    return impl_->call<value_type>(
        tenant, hook_id::spend_authority, {}, [](const hook_origin&) { return result<value_type>(std::nullopt); },
        read_spend_authority);
}

result<int> plugin_host::max_block_discount_percent(std::string_view tenant) const
{
    return impl_->call<int>(
        tenant, hook_id::max_block_discount_percent, {}, [](const hook_origin&) { return result<int>(0); },
        read_percent);
}

result<std::size_t> plugin_host::state_memory_bytes(std::string_view tenant) const
{
    thread_cache& tc = impl_->cache();
    auto plugin = impl_->find(tc, tenant);
    if (!plugin)
        return std::move(plugin).err();
    auto state = impl_->state_for(tc, *plugin);
    if (!state)
        return std::move(state).err();
    lua_gc((*state)->state(), LUA_GCCOLLECT);
    return (*state)->memory_bytes();
}

host_stats plugin_host::stats() const
{
    return host_stats{impl_->calls.load(), impl_->failures.load(), impl_->limit_kills.load(),
                      impl_->state_builds.load()};
}

std::vector<tenant_stats> plugin_host::stats_by_tenant() const
{
    const auto plugins = impl_->registry.snapshot();
    std::vector<tenant_stats> out;
    out.reserve(plugins->size());
    for (const auto& [tenant, plugin] : *plugins)
        out.push_back({tenant, plugin->counters->calls.load(), plugin->counters->failures.load(),
                       plugin->counters->limit_kills.load()});
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.tenant < b.tenant; });
    return out;
}

} // namespace dps::plugins
