// One query for the slug; every service that calls a council's plugin goes through it.
#include "identity/tenant_slug.hpp"

#include "db/database.hpp"

#include <soci/soci.h>

namespace dps::identity {

result<std::string> tenant_slug(db::database& db, std::int64_t tenant_id)
{
    return db.transact_value<std::string>(db::scope::platform(), [&](soci::session& sql) -> result<std::string> {
        std::string slug;
        long long key = tenant_id;
        soci::indicator ind = soci::i_null;
        sql << "SELECT slug FROM tenants WHERE id = :id", soci::use(key), soci::into(slug, ind);
        if (!sql.got_data() || ind == soci::i_null) return make_error(error_kind::not_found, "not_found", "no such tenant");
        return slug;
    });
}

} // namespace dps::identity
