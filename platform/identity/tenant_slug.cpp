// One lookup for the slug; every service that calls a council's plugin goes through it.
#include "identity/tenant_slug.hpp"

#include "db/database.hpp"
#include "identity/identity_store.hpp"

namespace dps::identity {

result<std::string> tenant_slug(db::database& db, std::int64_t tenant_id)
{
    return db.transact_value<std::string>(db::scope::platform(), [&](soci::session& sql) -> result<std::string> {
        auto t = store::find_tenant(sql, tenant_id);
        if (!t) return not_found("tenant");
        return t->slug;
    });
}

} // namespace dps::identity
