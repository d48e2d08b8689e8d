// The counting allocator: refuses growth past the limit while a plugin runs.
#include "plugins/lua_memory.hpp"

#include <cstdlib>

namespace dps::plugins::detail {

void* budget_alloc(void* ud, void* ptr, std::size_t osize, std::size_t nsize) noexcept
{
    auto* budget = static_cast<memory_budget*>(ud);
    // When ptr is null, osize is a type tag (LUA_TSTRING, ...), not a size.
    const std::size_t old_size = ptr ? osize : 0;
    if (nsize == 0) {
        std::free(ptr);
        budget->allocated -= old_size;
        return nullptr;
    }
    if (nsize > old_size && budget->enforce && budget->allocated - old_size + nsize > budget->limit) {
        budget->refused = true;
        if (nsize - old_size > budget->refused_bytes)
            budget->refused_bytes = nsize - old_size;
        return nullptr; // Lua raises "not enough memory" (after an emergency collection)
    }
    void* grown = std::realloc(ptr, nsize);
    if (grown)
        budget->allocated = budget->allocated - old_size + nsize;
    return grown;
}

} // namespace dps::plugins::detail
