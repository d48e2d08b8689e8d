// Settings: flags beat environment, defaults apply, every bad value names its setting.
#include "config/config.hpp"

#include <gtest/gtest.h>

#include <map>

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

} // namespace

TEST(Config, DefaultsWhenNothingIsSet)
{
    auto c = parse_config({}, env_of({}));
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->settings.listen.host, "127.0.0.1");
    EXPECT_EQ(c->settings.listen.port, 8443);
    EXPECT_EQ(c->settings.db_url, "sqlite:var/dps.db");
    EXPECT_EQ(c->settings.body_limit, 1024u * 1024u);
}

TEST(Config, EnvironmentIsRead)
{
    auto c = parse_config({}, env_of({{"DPS_LISTEN", "0.0.0.0:9000"}, {"DPS_THREADS", "4"}, {"DPS_DB_URL", "postgresql://x@h/db"}}));
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->settings.listen.host, "0.0.0.0");
    EXPECT_EQ(c->settings.listen.port, 9000);
    EXPECT_EQ(c->settings.threads, 4u);
    EXPECT_EQ(c->settings.db_url, "postgresql://x@h/db");
}

TEST(Config, FlagsOverrideEnvironment)
{
    auto c = parse_config({"--threads", "3", "--listen=[::1]:8444"}, env_of({{"DPS_THREADS", "8"}}));
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->settings.threads, 3u);
    EXPECT_EQ(c->settings.listen.host, "::1");
    EXPECT_EQ(c->settings.listen.port, 8444);
}

TEST(Config, BadValuesNameTheSetting)
{
    auto bad_threads = parse_config({}, env_of({{"DPS_THREADS", "many"}}));
    ASSERT_FALSE(bad_threads.ok());
    EXPECT_NE(bad_threads.err().message.find("DPS_THREADS"), std::string::npos);

    auto bad_flag = parse_config({"--threads", "0"}, env_of({}));
    ASSERT_FALSE(bad_flag.ok());
    EXPECT_NE(bad_flag.err().message.find("--threads"), std::string::npos);

    auto bad_listen = parse_config({}, env_of({{"DPS_LISTEN", "localhost"}}));
    ASSERT_FALSE(bad_listen.ok());
    EXPECT_NE(bad_listen.err().message.find("DPS_LISTEN"), std::string::npos);

    auto bad_port = parse_config({}, env_of({{"DPS_LISTEN", "127.0.0.1:70000"}}));
    ASSERT_FALSE(bad_port.ok());
}

TEST(Config, UnknownFlagIsAnError)
{
    auto c = parse_config({"--colour", "blue"}, env_of({}));
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.err().message.find("colour"), std::string::npos);
}

TEST(Config, CertificateAndKeyGoTogether)
{
    auto c = parse_config({"--tls-cert", "cert.pem"}, env_of({}));
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.err().message.find("DPS_TLS_KEY"), std::string::npos);
}

TEST(Config, PositionalArgumentsOnlyWhereAllowed)
{
    EXPECT_FALSE(parse_config({"migrate"}, env_of({})).ok());
    auto c = parse_config({"migrate"}, env_of({}), true);
    ASSERT_TRUE(c.ok());
    ASSERT_EQ(c->positional.size(), 1u);
    EXPECT_EQ(c->positional[0], "migrate");
}
