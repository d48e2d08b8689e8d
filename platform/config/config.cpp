// Settings parsing with Boost.Program_options; every error names the flag or variable at fault.
#include "config/config.hpp"

#include <boost/program_options.hpp>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace po = boost::program_options;

namespace dps {
namespace {

error config_error(const std::string& setting, const std::string& message)
{
    return make_error(error_kind::bad_request, "bad_config", setting + ": " + message);
}

template <class T>
std::optional<T> parse_number(const std::string& text)
{
    T value{};
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || text.empty())
        return std::nullopt;
    return value;
}

// One setting: its flag, its environment variable, and how to apply a textual value.
struct setting {
    const char* flag;
    const char* env;
    const char* help;
    std::function<std::optional<std::string>(config&, const std::string&)> apply; // returns an error message
};

std::vector<setting> settings()
{
    return {
        {"listen", "DPS_LISTEN", "HOST:PORT to serve HTTPS on (default 127.0.0.1:8443)",
         [](config& c, const std::string& v) -> std::optional<std::string> {
             auto parsed = parse_listen(v);
             if (!parsed) return parsed.err().message;
             c.listen = *parsed;
             return std::nullopt;
         }},
        {"db-url", "DPS_DB_URL", "sqlite:PATH or postgresql://... (default sqlite:var/dps.db)",
         [](config& c, const std::string& v) -> std::optional<std::string> {
             if (v.empty()) return "must not be empty";
             c.db_url = v;
             return std::nullopt;
         }},
        {"db-read-url", "DPS_DB_READ_URL",
         "a read-only standby (postgresql://...) for reports; when it does not answer they read DPS_DB_URL (default: none)",
         [](config& c, const std::string& v) -> std::optional<std::string> {
             c.db_read_url = v;
             return std::nullopt;
         }},
        {"db-migrate-url", "DPS_DB_MIGRATE_URL",
         "the schema owner's postgresql://... for migrations; dpsd then runs as DPS_DB_URL's role, which owns nothing (default: DPS_DB_URL)",
         [](config& c, const std::string& v) -> std::optional<std::string> {
             c.db_migrate_url = v;
             return std::nullopt;
         }},
        {"tls-cert", "DPS_TLS_CERT", "PEM certificate chain file",
         [](config& c, const std::string& v) -> std::optional<std::string> {
             c.tls_cert = v;
             return std::nullopt;
         }},
        {"tls-key", "DPS_TLS_KEY", "PEM private key file",
         [](config& c, const std::string& v) -> std::optional<std::string> {
             c.tls_key = v;
             return std::nullopt;
         }},
        {"threads", "DPS_THREADS", "network threads (default 2)",
         [](config& c, const std::string& v) -> std::optional<std::string> {
             auto n = parse_number<unsigned>(v);
             if (!n || *n < 1 || *n > 256) return "'" + v + "' is not a thread count between 1 and 256";
             c.threads = *n;
             return std::nullopt;
         }},
        {"workers", "DPS_WORKERS", "threads for request handlers, which wait on the database (default 16)",
         [](config& c, const std::string& v) -> std::optional<std::string> {
             auto n = parse_number<unsigned>(v);
             if (!n || *n < 1 || *n > 1024) return "'" + v + "' is not a worker count between 1 and 1024";
             c.workers = *n;
             return std::nullopt;
         }},
        {"db-pool", "DPS_DB_POOL", "database connections (default: one per worker)",
         [](config& c, const std::string& v) -> std::optional<std::string> {
             auto n = parse_number<unsigned>(v);
             if (!n || *n < 1 || *n > 1024) return "'" + v + "' is not a connection count between 1 and 1024";
             c.db_pool = *n;
             return std::nullopt;
         }},
        {"body-limit", "DPS_BODY_LIMIT", "largest request body in bytes (default 1048576)",
         [](config& c, const std::string& v) -> std::optional<std::string> {
             auto n = parse_number<std::size_t>(v);
             if (!n || *n < 1 || *n > (std::size_t{64} << 20))
                 return "'" + v + "' is not a byte count between 1 and 67108864";
             c.body_limit = *n;
             return std::nullopt;
         }},
        {"body-budget", "DPS_BODY_BUDGET", "request body bytes all connections may hold at once; beyond, 503 (default 67108864)",
         [](config& c, const std::string& v) -> std::optional<std::string> {
             auto n = parse_number<std::size_t>(v);
             if (!n || *n < 1 || *n > (std::size_t{16} << 30)) return "'" + v + "' is not a byte count between 1 and 17179869184";
             c.body_budget = *n;
             return std::nullopt;
         }},
        {"max-connections-per-client", "DPS_MAX_CONNECTIONS_PER_CLIENT",
         "connections one client address may hold, of 4096; 0 for no limit, e.g. behind a proxy (default 1024)",
         [](config& c, const std::string& v) -> std::optional<std::string> {
             auto n = parse_number<std::size_t>(v);
             if (!n || *n > 4096) return "'" + v + "' is not a number between 0 and 4096";
             c.max_connections_per_client = *n;
             return std::nullopt;
         }},
        {"idle-timeout-ms", "DPS_IDLE_TIMEOUT_MS", "close a connection idle or stalled this long (default 30000)",
         [](config& c, const std::string& v) -> std::optional<std::string> {
             auto n = parse_number<long>(v);
             if (!n || *n < 10 || *n > 3'600'000) return "'" + v + "' is not milliseconds between 10 and 3600000";
             c.idle_timeout = std::chrono::milliseconds{*n};
             return std::nullopt;
         }},
        {"shutdown-grace-ms", "DPS_SHUTDOWN_GRACE_MS", "on SIGTERM, wait this long for in-flight requests (default 10000)",
         [](config& c, const std::string& v) -> std::optional<std::string> {
             auto n = parse_number<long>(v);
             if (!n || *n < 0 || *n > 600'000) return "'" + v + "' is not milliseconds between 0 and 600000";
             c.shutdown_grace = std::chrono::milliseconds{*n};
             return std::nullopt;
         }},
        {"migrate-on-start", "DPS_MIGRATE_ON_START", "apply pending migrations at start: true or false (default true)",
         [](config& c, const std::string& v) -> std::optional<std::string> {
             if (v == "true" || v == "1") c.migrate_on_start = true;
             else if (v == "false" || v == "0") c.migrate_on_start = false;
             else return "'" + v + "' is not true or false";
             return std::nullopt;
         }},
        {"log-level", "DPS_LOG_LEVEL", "lowest level logged: debug, info, warn or error (default info)",
         [](config& c, const std::string& v) -> std::optional<std::string> {
             auto lvl = log::parse_level(v);
             if (!lvl) return "'" + v + "' is not debug, info, warn or error";
             c.log_level = *lvl;
             return std::nullopt;
         }},
        {"console-dir", "DPS_CONSOLE_DIR", "the web console's built files, served under /app/ (default: the build's console folder)",
         [](config& c, const std::string& v) -> std::optional<std::string> {
             c.console_dir = v;
             return std::nullopt;
         }},
        {"ocds-prefix", "DPS_OCDS_PREFIX", "the OCDS ocid prefix for open-data releases, ocds- and six letters or digits (default ocds-dpsdev)",
         [](config& c, const std::string& v) -> std::optional<std::string> {
             const bool shaped = v.size() == 11 && v.rfind("ocds-", 0) == 0 &&
                                 std::all_of(v.begin() + 5, v.end(), [](unsigned char ch) { return std::isalnum(ch) && !std::isupper(ch); });
             if (!shaped) return "'" + v + "' is not an ocid prefix: ocds- and six lower-case letters or digits";
             c.ocds_prefix = v;
             return std::nullopt;
         }},
        {"metrics-access", "DPS_METRICS_ACCESS",
         "who may read GET /metrics: loopback, any or off (default loopback)",
         [](config& c, const std::string& v) -> std::optional<std::string> {
             if (v == "loopback") c.metrics_access = metrics::access::loopback;
             else if (v == "any") c.metrics_access = metrics::access::any;
             else if (v == "off") c.metrics_access = metrics::access::off;
             else return "'" + v + "' is not loopback, any or off";
             return std::nullopt;
         }},
    };
}

constexpr const char* kConfigEnv = "DPS_CONFIG";

std::string trim(const std::string& text)
{
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string::npos) return {};
    return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

bool is_key(const std::string& key)
{
    if (key.empty() || !(key[0] >= 'A' && key[0] <= 'Z')) return false;
    for (char c : key)
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
    return true;
}

// Reads the file named by --config or DPS_CONFIG; errors name that setting and the file.
result<std::vector<config_file_entry>> read_config_file(const std::string& source, const std::string& path)
{
    std::error_code fs_ec;
    if (path.empty()) return config_error(source, "no file named");
    if (!std::filesystem::exists(path, fs_ec)) return config_error(source, "cannot read '" + path + "': no such file");
    if (!std::filesystem::is_regular_file(path, fs_ec)) return config_error(source, "cannot read '" + path + "': not a regular file");
    std::ifstream in(path, std::ios::binary);
    if (!in) return config_error(source, "cannot read '" + path + "': " + std::strerror(errno));
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) return config_error(source, "cannot read '" + path + "': " + std::strerror(errno));
    return parse_config_file(text.str(), path);
}

} // namespace

result<std::vector<config_file_entry>> parse_config_file(const std::string& text, const std::string& file_name)
{
    std::map<std::string, int> known; // env name -> line first set (0: not yet)
    for (const auto& s : settings()) known[s.env] = 0;
    std::vector<config_file_entry> out;
    std::istringstream lines(text);
    std::string raw;
    for (int number = 1; std::getline(lines, raw); ++number) {
        auto fail = [&](const std::string& why) {
            return make_error(error_kind::bad_request, "bad_config", file_name + ":" + std::to_string(number) + ": " + why);
        };
        if (!raw.empty() && raw.back() == '\r') raw.pop_back(); // written on Windows
        const std::string line = trim(raw);
        if (line.empty() || line.front() == '#' || line.front() == ';') continue;
        const auto equals = line.find('=');
        if (equals == std::string::npos) return fail("expected KEY=value");
        const std::string key = trim(line.substr(0, equals));
        std::string value = trim(line.substr(equals + 1));
        if (!is_key(key)) return fail("'" + key + "' is not a setting name (KEY=value, e.g. DPS_LISTEN=127.0.0.1:8443)");
        if (key == kConfigEnv) return fail("DPS_CONFIG cannot be set in a configuration file");
        auto k = known.find(key);
        if (k == known.end()) return fail("unknown setting '" + key + "'");
        if (k->second != 0) return fail(key + " is already set at line " + std::to_string(k->second));
        // systemd reads backslashes as escapes and a trailing one as a continuation: refuse, so that
        // dpsd and systemd never see different values in one file.
        if (value.find('\\') != std::string::npos) return fail(key + ": backslashes are not supported");
        if (!value.empty() && (value.front() == '"' || value.front() == '\'')) {
            const char quote = value.front();
            if (value.size() < 2 || value.back() != quote || value.find(quote, 1) != value.size() - 1)
                return fail(key + ": unbalanced quotes");
            value = value.substr(1, value.size() - 2);
        }
        k->second = number;
        out.push_back({key, value, number});
    }
    return out;
}

env_lookup process_environment()
{
    return [](const char* name) -> std::optional<std::string> {
        if (const char* v = std::getenv(name)) return std::string{v};
        return std::nullopt;
    };
}

result<listen_endpoint> parse_listen(const std::string& text)
{
    auto fail = [&] {
        return make_error(error_kind::bad_request, "bad_config",
                          "'" + text + "' is not HOST:PORT (for example 127.0.0.1:8443)");
    };
    std::string host;
    std::string port_text;
    if (!text.empty() && text.front() == '[') {
        auto close = text.find(']');
        if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') return fail();
        host = text.substr(1, close - 1);
        port_text = text.substr(close + 2);
    } else {
        auto colon = text.rfind(':');
        if (colon == std::string::npos) return fail();
        host = text.substr(0, colon);
        port_text = text.substr(colon + 1);
    }
    auto port = parse_number<unsigned>(port_text);
    if (host.empty() || !port || *port > 65535) return fail();
    return listen_endpoint{host, static_cast<unsigned short>(*port)};
}

result<parsed_config> parse_config(const std::vector<std::string>& args, const env_lookup& env, bool allow_positional)
{
    const auto all = settings();
    po::options_description described("Settings (each flag also reads the environment variable named)");
    described.add_options()("help,h", "show this help");
    described.add_options()("config", po::value<std::string>()->value_name("FILE"),
                            "read settings from FILE: KEY=value lines with the DPS_* names below, as in a systemd "
                            "EnvironmentFile; '#' comments [DPS_CONFIG]");
    for (const auto& s : all)
        described.add_options()(s.flag, po::value<std::string>(), (std::string{s.help} + " [" + s.env + "]").c_str());
    po::options_description hidden;
    hidden.add_options()("positional", po::value<std::vector<std::string>>());
    po::options_description everything;
    everything.add(described).add(hidden);
    po::positional_options_description positional;
    positional.add("positional", -1);

    po::variables_map vm;
    parsed_config out;
    try {
        auto parser = po::command_line_parser(args).options(everything).positional(positional);
        // A sub-command (dpsctl) brings flags of its own: keep those, in order, for it to read.
        if (allow_positional) parser.allow_unregistered();
        auto parsed = parser.run();
        po::store(parsed, vm);
        po::notify(vm);
        if (allow_positional) out.positional = po::collect_unrecognized(parsed.options, po::include_positional);
    } catch (const po::error& e) {
        return make_error(error_kind::bad_request, "bad_config", e.what());
    }

    std::ostringstream help;
    help << "Each setting is taken from its flag, else its environment variable, else the --config file,\n"
            "else its default. An unknown or malformed line in the file, or a bad value anywhere, stops\n"
            "the start with a message naming the setting (and the file and line).\n\n"
         << described;
    out.help_text = help.str();
    out.help = vm.count("help") > 0;
    if (vm.count("positional") && !allow_positional)
        return make_error(error_kind::bad_request, "bad_config",
                          "unexpected argument '" + vm["positional"].as<std::vector<std::string>>().front() + "'");
    if (out.help) return out; // --help works whatever the file says

    std::map<std::string, config_file_entry> from_file;
    std::optional<std::string> file;
    std::string file_source;
    if (vm.count("config")) {
        file = vm["config"].as<std::string>();
        file_source = "--config";
    } else if (auto v = env(kConfigEnv)) {
        file = *v;
        file_source = kConfigEnv;
    }
    if (file) {
        auto entries = read_config_file(file_source, *file);
        if (!entries) return entries.err();
        for (auto& e : *entries) from_file[e.key] = std::move(e);
        out.settings.config_file = *file;
    }

    for (const auto& s : all) {
        std::optional<std::string> value;
        std::string source;
        if (vm.count(s.flag)) {
            value = vm[s.flag].as<std::string>();
            source = std::string{"--"} + s.flag;
        } else if (auto v = env(s.env)) {
            value = *v;
            source = s.env;
        } else if (auto f = from_file.find(s.env); f != from_file.end()) {
            value = f->second.value;
            source = *file + ":" + std::to_string(f->second.line) + ": " + s.env;
        }
        if (!value) continue;
        if (auto problem = s.apply(out.settings, *value)) return config_error(source, *problem);
    }
    if (out.settings.tls_cert.empty() != out.settings.tls_key.empty())
        return config_error(out.settings.tls_cert.empty() ? "DPS_TLS_CERT" : "DPS_TLS_KEY",
                            "a certificate and its key must be set together");
    return out;
}

} // namespace dps
