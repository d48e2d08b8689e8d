// Operating dpsd (issue 14): SIGHUP reloads the TLS pair without dropping connections, settings from
// --config, the log level, and access lines with route template and tenant but no secrets. The real
// dpsd runs as a child process where signals and start-up are what is tested.
#include "identity/identity_service.hpp"
#include "log/logger.hpp"
#include "support/https_client.hpp"
#include "support/identity_fixture.hpp"
#include "support/test_database.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

extern char** environ;

using namespace dps;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

// A folder of the test's own, removed when the test ends (also when an assertion ends it early).
struct scratch_folder {
    scratch_folder()
        : path(fs::temp_directory_path() / ("dps-operate-" + std::to_string(::getpid()) + "-" +
                                            ::testing::UnitTest::GetInstance()->current_test_info()->name()))
    {
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~scratch_folder()
    {
        std::error_code ignored;
        fs::remove_all(path, ignored);
    }
    fs::path path;
};

// Written beside the target and renamed over it, as an operator's deployment tool would, so dpsd
// never reads half a file.
void write_file(const fs::path& path, const std::string& text)
{
    const auto tmp = path.string() + ".tmp";
    std::ofstream(tmp, std::ios::binary) << text;
    fs::rename(tmp, path);
}

struct pem_pair {
    std::string cert;
    std::string key;
};

// A self-signed ECDSA P-256 certificate for localhost whose subject carries `organisation`, so a
// client can tell which one the server presented.
pem_pair make_certificate(const std::string& organisation)
{
    EVP_PKEY* key = EVP_EC_gen("P-256");
    if (!key) throw std::runtime_error("EVP_EC_gen failed");
    X509* cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert), 60L * 60 * 24);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(organisation.c_str()), -1, -1, 0);
    X509_set_issuer_name(cert, name);
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION* san = X509V3_EXT_conf_nid(nullptr, &v3, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
    X509_add_ext(cert, san, -1);
    X509_EXTENSION_free(san);
    if (X509_sign(cert, key, EVP_sha256()) == 0) throw std::runtime_error("X509_sign failed");
    auto pem = [](auto&& write) {
        BIO* bio = BIO_new(BIO_s_mem());
        write(bio);
        char* data = nullptr;
        const long n = BIO_get_mem_data(bio, &data);
        std::string out(data, static_cast<std::size_t>(n));
        BIO_free(bio);
        return out;
    };
    pem_pair out{pem([&](BIO* b) { PEM_write_bio_X509(b, cert); }),
                 pem([&](BIO* b) { PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr); })};
    X509_free(cert);
    EVP_PKEY_free(key);
    return out;
}

// The subject of the certificate the server presents to a new connection, by a plain OpenSSL client.
std::string presented_subject(unsigned short port)
{
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method()); // verifies nothing: the test only reads the subject
    BIO* bio = BIO_new_ssl_connect(ctx);
    SSL* ssl = nullptr;
    BIO_get_ssl(bio, &ssl);
    const std::string where = "127.0.0.1:" + std::to_string(port);
    BIO_set_conn_hostname(bio, where.c_str());
    std::string subject;
    if (BIO_do_connect(bio) > 0 && BIO_do_handshake(bio) > 0) {
        if (X509* peer = SSL_get1_peer_certificate(ssl)) {
            char buffer[512];
            X509_NAME_oneline(X509_get_subject_name(peer), buffer, sizeof buffer);
            subject = buffer;
            X509_free(peer);
        }
    } else {
        subject = "handshake failed";
    }
    BIO_free_all(bio);
    SSL_CTX_free(ctx);
    return subject;
}

unsigned short free_port()
{
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

// The real dpsd (DPSD_PATH) as a child, its stderr (the log) collected line by line. The child's
// environment is this one without any DPS_* variable, plus `env`.
class dpsd_process {
public:
    dpsd_process(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {})
    {
        std::vector<std::string> environment;
        for (char** e = environ; *e; ++e)
            if (std::string_view{*e}.substr(0, 4) != "DPS_") environment.emplace_back(*e);
        for (const auto& [k, v] : env) environment.push_back(k + "=" + v);
        std::vector<std::string> argv_text{DPSD_PATH};
        argv_text.insert(argv_text.end(), args.begin(), args.end());
        auto pointers = [](std::vector<std::string>& texts) {
            std::vector<char*> out;
            for (auto& t : texts) out.push_back(t.data());
            out.push_back(nullptr);
            return out;
        };
        auto argv = pointers(argv_text);
        auto envp = pointers(environment);

        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0); // --help's text
        const int spawned = ::posix_spawn(&pid_, DPSD_PATH, &actions, nullptr, argv.data(), envp.data());
        posix_spawn_file_actions_destroy(&actions);
        ::close(fds[1]);
        if (spawned != 0) {
            ::close(fds[0]);
            throw std::runtime_error("cannot start " DPSD_PATH);
        }
        reader_ = std::thread([this, fd = fds[0]] {
            std::string pending;
            char chunk[4096];
            for (;;) {
                const auto n = ::read(fd, chunk, sizeof chunk);
                if (n <= 0) break;
                pending.append(chunk, static_cast<std::size_t>(n));
                for (auto nl = pending.find('\n'); nl != std::string::npos; nl = pending.find('\n')) {
                    std::lock_guard lock(mutex_);
                    lines_.push_back(pending.substr(0, nl));
                    pending.erase(0, nl + 1);
                    changed_.notify_all();
                }
            }
            ::close(fd);
            std::lock_guard lock(mutex_);
            if (!pending.empty()) lines_.push_back(pending);
            eof_ = true;
            changed_.notify_all();
        });
    }

    ~dpsd_process()
    {
        if (!exited_) {
            ::kill(pid_, SIGTERM);
            if (!wait_exit(20s)) {
                ::kill(pid_, SIGKILL);
                wait_exit(5s);
            }
        }
        if (reader_.joinable()) reader_.join();
    }

    void signal(int sig) { ::kill(pid_, sig); }

    // The n-th line (1-based) containing `text`, waiting up to `timeout`; empty if none came.
    std::string wait_for_line(const std::string& text, std::chrono::milliseconds timeout, std::size_t n = 1)
    {
        std::unique_lock lock(mutex_);
        std::string found;
        changed_.wait_for(lock, timeout, [&] {
            std::size_t seen = 0;
            for (const auto& l : lines_)
                if (l.find(text) != std::string::npos && ++seen == n) {
                    found = l;
                    return true;
                }
            return eof_;
        });
        return found;
    }

    // The port from the "listening" line.
    unsigned short port(std::chrono::milliseconds timeout = 60s)
    {
        const auto line = wait_for_line("\"event\":\"listening\"", timeout);
        if (line.empty()) throw std::runtime_error("dpsd did not start:\n" + log_text());
        const std::string url{boost::json::parse(line).at("url").as_string()};
        const auto colon = url.rfind(':');
        return static_cast<unsigned short>(std::stoi(url.substr(colon + 1)));
    }

    // The exit status, or nullopt if it is still running after `timeout`.
    std::optional<int> wait_exit(std::chrono::milliseconds timeout)
    {
        const auto until = std::chrono::steady_clock::now() + timeout;
        while (!exited_) {
            int st = 0;
            const pid_t r = ::waitpid(pid_, &st, WNOHANG);
            if (r == pid_) {
                exited_ = true;
                status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
                break;
            }
            if (std::chrono::steady_clock::now() > until) return std::nullopt;
            std::this_thread::sleep_for(20ms);
        }
        if (reader_.joinable()) reader_.join(); // the pipe closes with the process
        return status_;
    }

    bool running() const { return !exited_ && ::kill(pid_, 0) == 0; }

    std::vector<std::string> lines()
    {
        std::lock_guard lock(mutex_);
        return lines_;
    }
    std::string log_text()
    {
        std::string out;
        for (const auto& l : lines()) out += l + "\n";
        return out;
    }

private:
    pid_t pid_ = -1;
    bool exited_ = false;
    int status_ = -1;
    std::thread reader_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<std::string> lines_;
    bool eof_ = false;
};

// What dpsd needs to run over the test's scratch database, as a configuration file.
std::string config_text(const test::scratch_database& db, const fs::path& dir, const std::string& extra = {})
{
    return "# dpsd for an operations test\n"
           "DPS_LISTEN=127.0.0.1:0\n"
           "DPS_DB_URL=" + db.url() + "\n"
           "DPS_DB_MIGRATE_URL=" + db.owner_url() + "\n"
           "DPS_TLS_CERT=\"" + (dir / "cert.pem").string() + "\"\n"
           "DPS_TLS_KEY='" + (dir / "key.pem").string() + "'\n"
           "DPS_THREADS=2\n"
           "DPS_WORKERS=2\n"
           "DPS_SHUTDOWN_GRACE_MS=2000\n" + extra;
}

boost::json::object parsed(const std::string& line) { return boost::json::parse(line).as_object(); }

} // namespace

// The certificate is rotated under a running dpsd: SIGHUP, new connections see the new one, a
// connection opened before keeps answering, and a broken pair is refused with the last good one kept.
TEST(Operate, SighupReloadsTheCertificateWithoutDroppingConnections)
{
    test::scratch_database db; // before the process, so the database outlives it
    const scratch_folder folder;
    const auto& dir = folder.path;
    const auto cert_path = dir / "cert.pem", key_path = dir / "key.pem";
    const auto a = make_certificate("reload test A"), b = make_certificate("reload test B"), c = make_certificate("reload test C");
    write_file(cert_path, a.cert);
    write_file(key_path, a.key);
    write_file(dir / "dpsd.conf", config_text(db, dir));
    {
        dpsd_process dpsd({"--config", (dir / "dpsd.conf").string()});
        const auto port = dpsd.port();
        EXPECT_NE(presented_subject(port).find("O=reload test A"), std::string::npos) << presented_subject(port);

        test::https_client kept(port); // one keep-alive connection through every reload below
        ASSERT_EQ(kept.get("/healthz").status, 200);

        // Rotate to B.
        write_file(cert_path, b.cert);
        write_file(key_path, b.key);
        dpsd.signal(SIGHUP);
        const auto reloaded = dpsd.wait_for_line("\"event\":\"tls_reloaded\"", 10s);
        ASSERT_FALSE(reloaded.empty()) << dpsd.log_text();
        EXPECT_NE(std::string(parsed(reloaded).at("subject").as_string()).find("O=reload test B"), std::string::npos) << reloaded;
        EXPECT_NE(presented_subject(port).find("O=reload test B"), std::string::npos) << presented_subject(port);
        auto after = kept.get("/healthz");
        EXPECT_EQ(after.status, 200);
        EXPECT_EQ(kept.connections_opened(), 1) << "the connection opened under A still answers after the reload";

        // Broken pairs are refused, each with an error line; B stays.
        struct broken {
            std::string cert, key, why;
        };
        const std::vector<broken> attempts{
            {b.cert, "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n", "DPS_TLS_KEY"},
            {b.cert, c.key, "does not match"},
            {"garbage", b.key, "DPS_TLS_CERT"},
        };
        std::size_t failures = 0;
        for (const auto& attempt : attempts) {
            write_file(cert_path, attempt.cert);
            write_file(key_path, attempt.key);
            dpsd.signal(SIGHUP);
            const auto refused = dpsd.wait_for_line("\"event\":\"tls_reload_failed\"", 10s, ++failures);
            ASSERT_FALSE(refused.empty()) << attempt.why << "\n" << dpsd.log_text();
            EXPECT_EQ(parsed(refused).at("level"), "error");
            EXPECT_NE(refused.find(attempt.why), std::string::npos) << refused;
            EXPECT_NE(presented_subject(port).find("O=reload test B"), std::string::npos) << attempt.why;
            EXPECT_EQ(kept.get("/healthz").status, 200);
        }
        // An unreadable file: gone.
        fs::remove(key_path);
        dpsd.signal(SIGHUP);
        const auto missing = dpsd.wait_for_line("\"event\":\"tls_reload_failed\"", 10s, ++failures);
        ASSERT_FALSE(missing.empty()) << dpsd.log_text();
        EXPECT_NE(missing.find("DPS_TLS_KEY"), std::string::npos) << missing;
        EXPECT_NE(presented_subject(port).find("O=reload test B"), std::string::npos);

        // And a good pair after the failures is taken.
        write_file(cert_path, c.cert);
        write_file(key_path, c.key);
        dpsd.signal(SIGHUP);
        ASSERT_FALSE(dpsd.wait_for_line("\"event\":\"tls_reloaded\"", 10s, 2).empty()) << dpsd.log_text();
        EXPECT_NE(presented_subject(port).find("O=reload test C"), std::string::npos) << presented_subject(port);
        EXPECT_EQ(kept.get("/healthz").status, 200);
        EXPECT_EQ(kept.connections_opened(), 1);
        EXPECT_TRUE(dpsd.running());

        dpsd.signal(SIGTERM);
        EXPECT_EQ(dpsd.wait_exit(20s), std::optional<int>{0}) << dpsd.log_text();
    }
}

// The settings file is the one dpsd reads at start: a problem in it stops dpsd before anything
// starts, naming the file and the line, and nothing is listening.
TEST(Operate, DpsdRefusesABadConfigFileNamingTheFileAndLine)
{
    const scratch_folder folder;
    const auto& dir = folder.path;
    const auto conf = (dir / "dpsd.conf").string();
    write_file(conf, "DPS_LISTEN=127.0.0.1:0\n# typo below\nDPS_THREDS=4\n");
    {
        dpsd_process dpsd({"--config", conf});
        EXPECT_EQ(dpsd.wait_exit(20s), std::optional<int>{2});
        EXPECT_NE(dpsd.log_text().find(conf + ":3: unknown setting 'DPS_THREDS'"), std::string::npos) << dpsd.log_text();
    }
    {
        dpsd_process dpsd({}, {{"DPS_CONFIG", (dir / "absent.conf").string()}});
        EXPECT_EQ(dpsd.wait_exit(20s), std::optional<int>{2});
        EXPECT_NE(dpsd.log_text().find("DPS_CONFIG: cannot read '" + (dir / "absent.conf").string() + "'"), std::string::npos)
            << dpsd.log_text();
    }
    {
        dpsd_process dpsd({}, {{"DPS_LOG_LEVEL", "chatty"}});
        EXPECT_EQ(dpsd.wait_exit(20s), std::optional<int>{2});
        EXPECT_NE(dpsd.log_text().find("DPS_LOG_LEVEL: 'chatty' is not debug, info, warn or error"), std::string::npos)
            << dpsd.log_text();
    }
}

TEST(Operate, HelpStatesPrecedenceAndSignals)
{
    // --help prints on stdout; its text is checked in the unit tests. Here: dpsd exits 0 with it
    // even when the file it is pointed at is broken.
    const scratch_folder folder;
    const auto& dir = folder.path;
    write_file(dir / "broken.conf", "nonsense\n");
    dpsd_process dpsd({"--help", "--config", (dir / "broken.conf").string()});
    EXPECT_EQ(dpsd.wait_exit(20s), std::optional<int>{0}) << dpsd.log_text();
}

// DPS_LOG_LEVEL from the file, environment overriding it: warn drops every info line, the access
// lines and "listening" included; the environment's value wins over the file's.
TEST(Operate, TheLogLevelComesFromConfiguration)
{
    test::scratch_database db;
    const scratch_folder folder;
    const auto& dir = folder.path;
    const auto pair = make_certificate("log level test");
    write_file(dir / "cert.pem", pair.cert);
    write_file(dir / "key.pem", pair.key);
    auto text = config_text(db, dir, "DPS_LOG_LEVEL=warn\n");
    const auto port = free_port();
    text.replace(text.find("127.0.0.1:0"), 11, "127.0.0.1:" + std::to_string(port));
    write_file(dir / "dpsd.conf", text);
    {
        dpsd_process dpsd({"--config", (dir / "dpsd.conf").string()});
        // Nothing at info to wait on: poll until it answers.
        int status = 0;
        for (int i = 0; i < 600 && status != 200 && dpsd.running(); ++i) {
            try {
                test::https_client client(port);
                status = client.get("/healthz").status;
            } catch (const std::exception&) {
                std::this_thread::sleep_for(100ms);
            }
        }
        ASSERT_EQ(status, 200) << dpsd.log_text();
        dpsd.signal(SIGHUP); // a reload's success is info: not logged either
        std::this_thread::sleep_for(300ms);
        dpsd.signal(SIGTERM);
        EXPECT_EQ(dpsd.wait_exit(20s), std::optional<int>{0});
        for (const auto& line : dpsd.lines()) {
            auto level = parsed(line).at("level");
            EXPECT_TRUE(level == "warn" || level == "error") << line;
        }
    }
    {
        dpsd_process dpsd({"--config", (dir / "dpsd.conf").string()}, {{"DPS_LOG_LEVEL", "info"}});
        const auto p = dpsd.port(); // "listening" is info: logged again
        test::https_client client(p);
        EXPECT_EQ(client.get("/healthz").status, 200);
        EXPECT_FALSE(dpsd.wait_for_line("\"event\":\"access\"", 10s).empty()) << dpsd.log_text();
    }
}

namespace {

struct log_capture {
    log_capture()
    {
        log::set_minimum(log::level::debug); // everything that could ever be logged
        log::set_sink([this](std::string_view line) {
            std::lock_guard lock(mutex);
            lines.emplace_back(line);
        });
    }
    ~log_capture()
    {
        log::set_sink(nullptr);
        log::set_minimum(log::level::info);
    }
    std::vector<std::string> snapshot()
    {
        std::lock_guard lock(mutex);
        return lines;
    }
    std::mutex mutex;
    std::vector<std::string> lines;
};

const test::header_list kJson{{"Content-Type", "application/json"}};

test::header_list with(const std::string& authorization, test::header_list extra = kJson)
{
    extra.emplace_back("Authorization", authorization);
    return extra;
}

} // namespace

// Every line carries level and time; the access line has the route template and the caller's tenant;
// no password, token, Authorization value or Idempotency-Key reaches the log, even at debug.
TEST(Operate, AccessLinesNameRouteAndTenantAndLogNoSecrets)
{
    log_capture capture;
    std::vector<std::string> secrets;
    std::string api_token;
    {
        test::identity_fixture f;
        const identity::acting cli{nullptr, "test"};
        const std::string password = "correct horse battery staple 7Q";
        ASSERT_TRUE(f.identity().set_password(cli, f.members.at("A:commissioner").who.id, password).ok());
        api_token = f.members.at("A:commissioner").token;
        const std::string idempotency_key = "idem-3f9a6c2e-secretish-key";
        test::https_client client(f.platform.port());

        auto login = client.send("POST", "/v1/sessions", R"({"email":"commissioner@a.example","password":")" + password + "\"}",
                                 kJson);
        ASSERT_EQ(login.status, 201) << login.body;
        const std::string session{login.json().at("token").as_string()};
        EXPECT_EQ(client.get("/v1/me", with("Bearer " + session, {{"X-Request-Id", "op-me-session"}})).status, 200);
        EXPECT_EQ(client.get("/v1/me", with(f.bearer("B:commissioner"), {{"X-Request-Id", "op-me-b"}})).status, 200);
        EXPECT_EQ(client.get("/v1/call-offs/424242", with(f.bearer("A:commissioner"), {{"X-Request-Id", "op-calloff"}})).status, 404);
        auto created = client.send("POST", "/v1/dps/999999/call-offs", R"({"title":"x"})",
                                   with(f.bearer("A:commissioner"), {{"Content-Type", "application/json"},
                                                                     {"Idempotency-Key", idempotency_key},
                                                                     {"X-Request-Id", "op-idem"}}));
        EXPECT_GE(created.status, 400) << created.body;
        EXPECT_EQ(client.get("/v1/me", with(f.bearer("P:bidder"), {{"X-Request-Id", "op-provider"}})).status, 200);
        EXPECT_EQ(client.get("/v1/me", with("Bearer " + api_token + "x", {{"X-Request-Id", "op-bad-token"}})).status, 401);
        EXPECT_EQ(client.send("POST", "/v1/sessions", R"({"email":"commissioner@a.example","password":"wrong )" + password + "\"}",
                              {{"Content-Type", "application/json"}, {"X-Request-Id", "op-bad-login"}})
                      .status,
                  401);
        EXPECT_EQ(client.get("/nowhere", {{"X-Request-Id", "op-404"}}).status, 404);
        EXPECT_EQ(client.get("/healthz", {{"X-Request-Id", "op-health"}}).status, 200);
        secrets = {password, session, api_token, "Bearer " + api_token, "Bearer " + session, idempotency_key,
                   f.members.at("B:commissioner").token, f.members.at("P:bidder").token};
    }

    std::map<std::string, boost::json::object> access; // by request id
    const auto lines = capture.snapshot();
    ASSERT_FALSE(lines.empty());
    for (const auto& line : lines) {
        auto v = parsed(line); // every line is one JSON object
        EXPECT_TRUE(v.contains("ts") && v.contains("level") && v.contains("event")) << line;
        for (const auto& secret : secrets) EXPECT_EQ(line.find(secret), std::string::npos) << "a secret in: " << line;
        if (v.at("event") == "access") access[std::string(v.at("request_id").as_string())] = v;
    }
    // Nor the tail of a token, in case something logs part of one.
    ASSERT_GT(api_token.size(), 20u);
    for (const auto& line : lines) EXPECT_EQ(line.find(api_token.substr(api_token.size() - 16)), std::string::npos) << line;

    auto expect = [&](const std::string& id, const std::string& route, const std::string& tenant) {
        ASSERT_TRUE(access.count(id)) << id;
        const auto& line = access.at(id);
        EXPECT_EQ(line.at("route"), route.c_str()) << id;
        if (tenant.empty()) EXPECT_FALSE(line.contains("tenant")) << id << ": " << boost::json::serialize(line);
        else if (line.contains("tenant")) EXPECT_EQ(line.at("tenant"), tenant.c_str()) << id;
        else ADD_FAILURE() << id << " has no tenant: " << boost::json::serialize(line);
    };
    expect("op-me-session", "/v1/me", "council-a");
    expect("op-me-b", "/v1/me", "council-b");
    expect("op-calloff", "/v1/call-offs/{call_off_id}", "council-a");
    EXPECT_EQ(access.at("op-calloff").at("path"), "/v1/call-offs/424242");
    expect("op-idem", "/v1/dps/{dps_id}/call-offs", "council-a");
    expect("op-provider", "/v1/me", ""); // a provider's user belongs to no tenant
    expect("op-bad-token", "/v1/me", "");
    expect("op-bad-login", "/v1/sessions", "");
    expect("op-404", "-", "");
    expect("op-health", "/healthz", "");
}
