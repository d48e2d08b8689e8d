// Server and CLI settings. Each is read from its flag, else its DPS_* environment variable, else the
// configuration file (--config FILE or DPS_CONFIG), else its default.
#pragma once

#include "core/result.hpp"
#include "log/level.hpp"
#include "metrics/access.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace dps {

struct listen_endpoint {
    std::string host = "127.0.0.1";
    unsigned short port = 8443;
};

struct config {
    listen_endpoint listen;
    std::string db_url = "sqlite:var/dps.db";
    std::string db_read_url;    // a read-only standby for reports (DPS_DB_READ_URL); empty: reports read the primary
    std::string db_migrate_url; // PostgreSQL's owner role, for migrations (DPS_DB_MIGRATE_URL); empty: db_url's role
    std::string tls_cert; // PEM chain; empty means "not configured"
    std::string tls_key;  // PEM private key
    unsigned threads = 2;  // network threads
    unsigned workers = 16; // blocking handler threads (DPS_WORKERS)
    unsigned db_pool = 0;  // database connections (DPS_DB_POOL); 0: as many as the workers
    std::size_t body_limit = 1024 * 1024;
    std::size_t body_budget = 64u << 20;           // request bodies held at once (DPS_BODY_BUDGET)
    std::size_t max_connections_per_client = 1024; // DPS_MAX_CONNECTIONS_PER_CLIENT; 0: no limit
    std::chrono::milliseconds idle_timeout{30'000};
    std::chrono::milliseconds shutdown_grace{10'000};
    bool migrate_on_start = true;
    log::level log_level = log::level::info; // DPS_LOG_LEVEL
    metrics::access metrics_access = metrics::access::loopback; // DPS_METRICS_ACCESS
    // The web console's built assets (scripts/build-console), served under /app/ (DPS_CONSOLE_DIR).
    // A folder that does not exist only logs a warning: the API runs without the console.
    std::string console_dir = DPS_CONSOLE_DIR_DEFAULT;
    // The OCDS ocid prefix the Open Contracting Partnership issued to the publisher (DPS_OCDS_PREFIX):
    // "ocds-" and six letters or digits. The default marks data as not yet published for real.
    std::string ocds_prefix = "ocds-dpsdev";
    std::string config_file;                 // the file settings were read from, if any (--config, DPS_CONFIG)
};

// Reads an environment variable; injectable so that tests need not touch the process environment.
using env_lookup = std::function<std::optional<std::string>(const char* name)>;
env_lookup process_environment();

// Parses "HOST:PORT" (IPv6 as "[::1]:8443").
result<listen_endpoint> parse_listen(const std::string& text);

// One KEY=value line of a configuration file, and its line number for error messages.
struct config_file_entry {
    std::string key;
    std::string value;
    int line = 0;
};

// The text of a configuration file: the format of a systemd EnvironmentFile, so that one file serves
// both. KEY=value lines with the DPS_* names, blank lines, whole-line comments starting '#' or ';', a
// value optionally in matching single or double quotes. What systemd would read differently
// (backslash escapes, continuation lines) is refused rather than guessed at. An unknown or repeated
// key, or a malformed line, is an error naming file_name and the line.
result<std::vector<config_file_entry>> parse_config_file(const std::string& text, const std::string& file_name);

// Parses flags, environment and the configuration file they name (if any). On success also returns the positional arguments left over
// (dpsctl uses them as its sub-command); a bad value names the setting it came from.
struct parsed_config {
    config settings;
    std::vector<std::string> positional;
    bool help = false;
    std::string help_text;
};
result<parsed_config> parse_config(const std::vector<std::string>& args, const env_lookup& env,
                                   bool allow_positional = false);

} // namespace dps
