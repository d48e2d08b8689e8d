// Translates SOCI's exceptions into platform errors, once, at the repository boundary.
#pragma once

#include "core/error.hpp"

#include <exception>

namespace soci { class soci_error; }

namespace dps::db {

enum class failure_class { connection_lost, unique_violation, foreign_key_violation, check_violation, retryable, other };

failure_class classify(const soci::soci_error& e);
error translate(const soci::soci_error& e);

} // namespace dps::db
