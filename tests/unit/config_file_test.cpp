// Settings from a file (--config, DPS_CONFIG) and the log level: flags beat environment, environment
// beats the file, the file beats defaults; every problem names the file and line or the setting.
#include "config/config.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <unistd.h>

using namespace dps;

namespace {

env_lookup env_of(std::map<std::string, std::string> vars)
{
    return [vars](const char* name) -> std::optional<std::string> {
        auto it = vars.find(name);
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

// A configuration file in a folder of its own, removed with the test.
class config_file : public ::testing::Test {
protected:
    config_file()
        : dir_(std::filesystem::temp_directory_path() /
               ("dps-config-test-" + std::to_string(::getpid()) + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name()))
    {
        std::filesystem::create_directories(dir_);
    }
    ~config_file() override { std::filesystem::remove_all(dir_); }

    std::string write(const std::string& text, const std::string& name = "dpsd.conf")
    {
        const auto path = (dir_ / name).string();
        std::ofstream(path, std::ios::binary) << text;
        return path;
    }

    std::filesystem::path dir_;
};

bool mentions(const error& e, const std::string& text) { return e.message.find(text) != std::string::npos; }

} // namespace

TEST_F(config_file, SettingsComeFromTheFileNamedByTheFlag)
{
    const auto path = write("# dpsd, as systemd's EnvironmentFile reads it too\n"
                            "\n"
                            "DPS_LISTEN=0.0.0.0:9443\n"
                            "  DPS_THREADS = 3\n"
                            "; another comment\n"
                            "DPS_TLS_CERT=\"/etc/dps/tls/cert with space.pem\"\n"
                            "DPS_TLS_KEY='/etc/dps/tls/key.pem'\n"
                            "DPS_DB_URL=postgresql://dps_app@db.internal:5432/dps?sslmode=verify-full\n"
                            "DPS_MIGRATE_ON_START=false\n"
                            "DPS_LOG_LEVEL=warn\n");
    auto c = parse_config({"--config", path}, env_of({}));
    ASSERT_TRUE(c.ok()) << c.err().message;
    EXPECT_EQ(c->settings.listen.host, "0.0.0.0");
    EXPECT_EQ(c->settings.listen.port, 9443);
    EXPECT_EQ(c->settings.threads, 3u);
    EXPECT_EQ(c->settings.tls_cert, "/etc/dps/tls/cert with space.pem");
    EXPECT_EQ(c->settings.tls_key, "/etc/dps/tls/key.pem");
    EXPECT_EQ(c->settings.db_url, "postgresql://dps_app@db.internal:5432/dps?sslmode=verify-full") << "'=' inside a value is kept";
    EXPECT_FALSE(c->settings.migrate_on_start);
    EXPECT_EQ(c->settings.log_level, log::level::warn);
    EXPECT_EQ(c->settings.config_file, path);
    EXPECT_EQ(c->settings.workers, 16u) << "what the file leaves out keeps its default";
}

TEST_F(config_file, DpsConfigNamesTheFileAndTheFlagWins)
{
    const auto from_env = write("DPS_THREADS=5\n", "env.conf");
    const auto from_flag = write("DPS_THREADS=6\n", "flag.conf");
    auto c = parse_config({}, env_of({{"DPS_CONFIG", from_env}}));
    ASSERT_TRUE(c.ok()) << c.err().message;
    EXPECT_EQ(c->settings.threads, 5u);
    c = parse_config({"--config=" + from_flag}, env_of({{"DPS_CONFIG", from_env}}));
    ASSERT_TRUE(c.ok()) << c.err().message;
    EXPECT_EQ(c->settings.threads, 6u);
}

TEST_F(config_file, FlagsBeatEnvironmentWhichBeatsTheFileWhichBeatsDefaults)
{
    const auto path = write("DPS_THREADS=3\nDPS_WORKERS=7\nDPS_BODY_LIMIT=1000\n");
    auto c = parse_config({"--config", path, "--threads", "5"}, env_of({{"DPS_THREADS", "4"}, {"DPS_WORKERS", "8"}}));
    ASSERT_TRUE(c.ok()) << c.err().message;
    EXPECT_EQ(c->settings.threads, 5u) << "flag over environment and file";
    EXPECT_EQ(c->settings.workers, 8u) << "environment over file";
    EXPECT_EQ(c->settings.body_limit, 1000u) << "file over default";
    EXPECT_EQ(c->settings.idle_timeout, std::chrono::milliseconds{30'000}) << "default when nothing sets it";

    // An environment value overrides a bad one in the file, so the file's value is never read.
    const auto bad = write("DPS_THREADS=many\n", "bad.conf");
    EXPECT_TRUE(parse_config({"--config", bad}, env_of({{"DPS_THREADS", "2"}})).ok());
}

TEST_F(config_file, UnknownKeysAndMalformedLinesNameTheFileAndLine)
{
    struct example {
        std::string text, expect;
    };
    const std::vector<example> examples{
        {"DPS_THREADS=2\n\n# fine so far\nDPS_COLOUR=blue\n", ":4: unknown setting 'DPS_COLOUR'"},
        {"DPS_THREADS 4\n", ":1: expected KEY=value"},
        {"DPS_THREADS=2\nLANG=C.UTF-8\n", ":2: unknown setting 'LANG'"},
        {"dps_threads=2\n", ":1: 'dps_threads' is not a setting name"},
        {"export DPS_THREADS=2\n", ":1: 'export DPS_THREADS' is not a setting name"},
        {"=2\n", ":1: '' is not a setting name"},
        {"DPS_THREADS=2\nDPS_THREADS=3\n", ":2: DPS_THREADS is already set at line 1"},
        {"DPS_TLS_CERT=\"/etc/cert.pem\n", ":1: DPS_TLS_CERT: unbalanced quotes"},
        {"DPS_TLS_CERT=\"/etc/a\"b\"\n", ":1: DPS_TLS_CERT: unbalanced quotes"},
        {"DPS_TLS_CERT=/etc/dps/cert.pem \\\n", ":1: DPS_TLS_CERT: backslashes are not supported"},
        {"DPS_CONFIG=/etc/other.conf\n", ":1: DPS_CONFIG cannot be set in a configuration file"},
    };
    for (const auto& e : examples) {
        const auto path = write(e.text);
        auto c = parse_config({"--config", path}, env_of({}));
        ASSERT_FALSE(c.ok()) << e.text;
        EXPECT_TRUE(mentions(c.err(), path + e.expect)) << "got: " << c.err().message << "\nwant: " << path << e.expect;
    }
}

TEST_F(config_file, BadValuesInTheFileNameTheFileLineAndSetting)
{
    const auto path = write("DPS_LISTEN=127.0.0.1:8443\n# threads\nDPS_THREADS=many\n");
    auto c = parse_config({"--config", path}, env_of({}));
    ASSERT_FALSE(c.ok());
    EXPECT_TRUE(mentions(c.err(), path + ":3: DPS_THREADS: 'many' is not a thread count")) << c.err().message;

    const auto level = write("DPS_LOG_LEVEL=verbose\n");
    c = parse_config({"--config", level}, env_of({}));
    ASSERT_FALSE(c.ok());
    EXPECT_TRUE(mentions(c.err(), level + ":1: DPS_LOG_LEVEL")) << c.err().message;
}

TEST_F(config_file, AnUnreadableFileIsAnErrorNamingIt)
{
    const auto missing = (dir_ / "missing.conf").string();
    auto c = parse_config({"--config", missing}, env_of({}));
    ASSERT_FALSE(c.ok());
    EXPECT_TRUE(mentions(c.err(), "--config: cannot read '" + missing + "'")) << c.err().message;

    c = parse_config({}, env_of({{"DPS_CONFIG", dir_.string()}}));
    ASSERT_FALSE(c.ok());
    EXPECT_TRUE(mentions(c.err(), "DPS_CONFIG: cannot read '" + dir_.string() + "': not a regular file")) << c.err().message;

    if (::geteuid() != 0) { // root reads any file whatever its mode
        const auto locked = write("DPS_THREADS=2\n", "locked.conf");
        std::filesystem::permissions(locked, std::filesystem::perms::none);
        c = parse_config({"--config", locked}, env_of({}));
        ASSERT_FALSE(c.ok());
        EXPECT_TRUE(mentions(c.err(), "cannot read '" + locked + "'")) << c.err().message;
    }
}

TEST_F(config_file, WindowsLineEndingsAndEmptyValuesAreRead)
{
    const auto path = write("DPS_THREADS=3\r\nDPS_DB_MIGRATE_URL=\r\n");
    auto c = parse_config({"--config", path}, env_of({}));
    ASSERT_TRUE(c.ok()) << c.err().message;
    EXPECT_EQ(c->settings.threads, 3u);
    EXPECT_EQ(c->settings.db_migrate_url, "");
}

TEST_F(config_file, HelpStatesThePrecedenceAndIgnoresABrokenFile)
{
    const auto broken = write("nonsense\n");
    auto c = parse_config({"--help", "--config", broken}, env_of({}));
    ASSERT_TRUE(c.ok()) << c.err().message;
    EXPECT_TRUE(c->help);
    EXPECT_NE(c->help_text.find("flag, else its environment variable, else the --config file"), std::string::npos) << c->help_text;
    EXPECT_NE(c->help_text.find("DPS_CONFIG"), std::string::npos);
    EXPECT_NE(c->help_text.find("DPS_LOG_LEVEL"), std::string::npos);
}

TEST(ConfigLogLevel, DefaultsToInfoAndRefusesAnUnknownLevel)
{
    auto c = parse_config({}, env_of({}));
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->settings.log_level, log::level::info);
    for (auto [text, lvl] : std::vector<std::pair<std::string, log::level>>{
             {"debug", log::level::debug}, {"info", log::level::info}, {"warn", log::level::warn}, {"error", log::level::error}}) {
        auto set = parse_config({}, env_of({{"DPS_LOG_LEVEL", text}}));
        ASSERT_TRUE(set.ok()) << text;
        EXPECT_EQ(set->settings.log_level, lvl);
    }
    for (const char* bad : {"", "INFO", "warning", "trace", "loud"}) {
        auto refused = parse_config({}, env_of({{"DPS_LOG_LEVEL", bad}}));
        ASSERT_FALSE(refused.ok()) << bad;
        EXPECT_TRUE(mentions(refused.err(), "DPS_LOG_LEVEL")) << refused.err().message;
    }
    auto flag = parse_config({"--log-level", "nope"}, env_of({}));
    ASSERT_FALSE(flag.ok());
    EXPECT_TRUE(mentions(flag.err(), "--log-level")) << flag.err().message;
}

// One file serves systemd (EnvironmentFile=) and --config: the shipped example must read as both.
TEST(ConfigFileExample, TheDeployedEnvironmentFileIsAValidConfigFile)
{
    const std::string path = std::string{DPS_SOURCE_DIR} + "/deploy/dpsd.env.example";
    if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is not in this tree";
    auto c = parse_config({"--config", path}, env_of({}));
    ASSERT_TRUE(c.ok()) << c.err().message;
    EXPECT_FALSE(c->settings.tls_cert.empty());
}
