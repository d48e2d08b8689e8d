// Open data (issue 12): a DPS and the call-offs made on it as an OCDS 1.1 release package, with the
// techniques extension (the DPS) and the UK extension declared. The lead authority publishes it:
// only the council that leads the DPS may read it (404 to anyone else, as for any object not theirs).
#pragma once

#include "core/clock.hpp"
#include "core/result.hpp"

#include <boost/json/object.hpp>

#include <string>

namespace dps::db { class database; }
namespace dps::identity { struct acting; }

namespace dps::opendata {

class ocds_service {
public:
    // prefix: the ocid prefix the Open Contracting Partnership issued (config ocds_prefix).
    ocds_service(db::database& db, std::string prefix, const clock& now) : db_(db), prefix_(std::move(prefix)), clock_(now) {}

    // One release per contracting process, each at its latest state: the DPS's (a tender with the
    // dynamic purchasing system technique) and each published call-off's (its own process, related
    // to the DPS as its framework), with the award and contract once let.
    result<boost::json::object> release_package(const identity::acting& by, std::int64_t dps_id);

private:
    db::database& db_;
    std::string prefix_;
    const clock& clock_;
};

} // namespace dps::opendata
