// Identity over HTTPS: tenants, users, tokens, sessions, throttling, secrets kept out of logs,
// and (PostgreSQL) row-level security as a second wall.
#include "auth/secrets.hpp"
#include "core/clock.hpp"
#include "db/database.hpp"
#include "identity/identity_service.hpp"
#include "log/logger.hpp"
#include "support/https_client.hpp"
#include "support/identity_fixture.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <thread>
#include <soci/soci.h>

#include <mutex>

using namespace dps;

namespace {

const test::header_list kJson{{"Content-Type", "application/json"}};

test::header_list as(const std::string& bearer, test::header_list extra = kJson)
{
    extra.emplace_back("Authorization", bearer);
    return extra;
}

class identity_api : public ::testing::Test, protected test::identity_fixture {
protected:
    long long count(const std::string& query)
    {
        long long n = -1;
        EXPECT_TRUE(platform.app().database().transact(db::scope::platform(), [&](soci::session& sql) -> status {
            sql << query, soci::into(n);
            return ok_status();
        }).ok());
        return n;
    }
};

struct log_capture {
    log_capture()
    {
        log::set_sink([this](std::string_view line) {
            std::lock_guard lock(mutex);
            text += line;
            text += '\n';
        });
    }
    ~log_capture() { log::set_sink(nullptr); }
    std::string all()
    {
        std::lock_guard lock(mutex);
        return text;
    }
    std::mutex mutex;
    std::string text;
};

} // namespace

TEST_F(identity_api, MeShowsCallerTenantAndRoles)
{
    test::https_client client(platform.port());
    auto me = client.get("/v1/me", as(bearer("A:approver")));
    ASSERT_EQ(me.status, 200) << me.body;
    auto body = me.json();
    EXPECT_EQ(body.at("user").at("email"), "approver@a.example");
    EXPECT_EQ(body.at("tenant").at("slug"), "council-a");
    EXPECT_TRUE(body.at("provider_organisation").is_null());
    const auto& roles = body.at("user").at("roles").as_array();
    ASSERT_EQ(roles.size(), 1u);
    EXPECT_EQ(roles[0].at("role"), "approver");
    EXPECT_EQ(roles[0].at("authority"), "director_childrens_services");

    auto provider = client.get("/v1/me", as(bearer("P:bidder"))).json();
    EXPECT_EQ(provider.at("provider_organisation").at("name"), "Provider P Ltd");
    EXPECT_TRUE(provider.at("tenant").is_null());
}

TEST_F(identity_api, OperatorCreatesTenantsAndBadInputChangesNothing)
{
    test::https_client client(platform.port());
    const auto before = count("SELECT count(*) FROM tenants");
    auto created = client.send("POST", "/v1/tenants", R"({"slug":"haringey","name":"London Borough of Haringey"})", as(bearer("operator")));
    ASSERT_EQ(created.status, 201) << created.body;
    EXPECT_EQ(created.json().at("kind"), "council");
    EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'tenant.create'"), 3); // A, B and this one

    for (const char* bad : {R"({"slug":"haringey","name":"Again"})", R"({"slug":"Bad Slug","name":"X"})", R"({"slug":"ok-slug"})",
                            R"({"slug":"ok-slug","name":"X","colour":"red"})", R"({"slug":"ok-slug","name":"X","kind":"parish"})",
                            R"(["not","an","object"])"}) {
        auto r = client.send("POST", "/v1/tenants", bad, as(bearer("operator")));
        EXPECT_TRUE(r.status == 400 || r.status == 409) << bad << " → " << r.status;
        EXPECT_TRUE(r.json().at("error").as_object().contains("message")) << bad;
    }
    EXPECT_EQ(count("SELECT count(*) FROM tenants"), before + 1);
}

TEST_F(identity_api, TenantAdminCreatesUsersOnlyWithCouncilRoles)
{
    test::https_client client(platform.port());
    const auto path = "/v1/tenants/" + std::to_string(tenant_a.id) + "/users";
    auto ok = client.send("POST", path,
                          R"({"email":"Panel@A.example","display_name":"Resource panel","roles":[{"role":"approver","authority":"resource_panel"}]})",
                          as(bearer("A:tenant_admin")));
    ASSERT_EQ(ok.status, 201) << ok.body;
    EXPECT_EQ(ok.json().at("email"), "panel@a.example");
    EXPECT_EQ(ok.json().at("tenant_id"), tenant_a.id);

    auto bidder = client.send("POST", path, R"({"email":"x@a.example","display_name":"X","roles":[{"role":"bidder"}]})",
                              as(bearer("A:tenant_admin")));
    EXPECT_EQ(bidder.status, 400);
    auto unknown_authority = client.send("POST", path,
                                         R"({"email":"y@a.example","display_name":"Y","roles":[{"role":"approver","authority":"the_pope"}]})",
                                         as(bearer("A:tenant_admin")));
    EXPECT_EQ(unknown_authority.status, 400);
    auto duplicate = client.send("POST", path, R"({"email":"panel@a.example","display_name":"Again"})", as(bearer("A:tenant_admin")));
    EXPECT_EQ(duplicate.status, 409);
    EXPECT_EQ(count("SELECT count(*) FROM users WHERE email IN ('x@a.example','y@a.example')"), 0);
}

TEST_F(identity_api, TokensExpireAndCanBeRevoked)
{
    test::https_client client(platform.port());
    const auto user_path = "/v1/users/" + std::to_string(members.at("A:finance").who.id) + "/tokens";
    auto issued = client.send("POST", user_path, R"({"label":"laptop","expires_in_days":7})", as(bearer("A:finance")));
    ASSERT_EQ(issued.status, 201) << issued.body;
    const std::string secret = std::string(issued.json().at("token").as_string());
    const auto id = issued.json().at("id").as_int64();
    EXPECT_EQ(client.get("/v1/me", as("Bearer " + secret)).status, 200);

    // Listing never shows a secret.
    auto listed = client.get(user_path, as(bearer("A:finance")));
    EXPECT_EQ(listed.status, 200);
    EXPECT_EQ(listed.body.find(secret), std::string::npos);
    EXPECT_EQ(listed.body.find("dps_"), std::string::npos);

    // Only the hash is stored.
    EXPECT_EQ(count("SELECT count(*) FROM api_tokens WHERE token_hash = '" + auth::token_hash(secret) + "'"), 1);

    auto revoked = client.send("DELETE", "/v1/tokens/" + std::to_string(id), "", as(bearer("A:finance")));
    EXPECT_EQ(revoked.status, 204);
    auto after = client.get("/v1/me", as("Bearer " + secret));
    EXPECT_EQ(after.status, 401);
    EXPECT_EQ(after.json().at("error").at("code"), "invalid_token");
    EXPECT_EQ(client.send("DELETE", "/v1/tokens/" + std::to_string(id), "", as(bearer("A:finance"))).status, 409);

    // Expiry: the same token shape, made to have expired.
    const std::string expiring = fresh_token("A:auditor");
    EXPECT_EQ(client.get("/v1/me", as("Bearer " + expiring)).status, 200);
    ASSERT_TRUE(platform.app().database().transact(db::scope::platform(), [&](soci::session& sql) -> status {
        const std::string hash = auth::token_hash(expiring);
        sql << "UPDATE api_tokens SET expires_at = '2020-01-01T00:00:00.000Z' WHERE token_hash = :h", soci::use(hash);
        return ok_status();
    }).ok());
    EXPECT_EQ(client.get("/v1/me", as("Bearer " + expiring)).status, 401);
}

TEST_F(identity_api, PasswordLoginIssuesASessionAndLogoutEndsIt)
{
    const identity::acting cli{nullptr, "test"};
    ASSERT_TRUE(identity().set_password(cli, members.at("A:commissioner").who.id, "correct horse battery").ok());
    test::https_client client(platform.port());
    auto login = client.send("POST", "/v1/sessions", R"({"email":"commissioner@a.example","password":"correct horse battery"})", kJson);
    ASSERT_EQ(login.status, 201) << login.body;
    EXPECT_EQ(login.json().at("kind"), "session");
    const std::string session = std::string(login.json().at("token").as_string());
    EXPECT_EQ(client.get("/v1/me", as("Bearer " + session)).status, 200);
    EXPECT_EQ(client.send("DELETE", "/v1/sessions/current", "", as("Bearer " + session)).status, 204);
    EXPECT_EQ(client.get("/v1/me", as("Bearer " + session)).status, 401);

    auto wrong = client.send("POST", "/v1/sessions", R"({"email":"commissioner@a.example","password":"wrong password!!"})", kJson);
    EXPECT_EQ(wrong.status, 401);
    auto nobody = client.send("POST", "/v1/sessions", R"({"email":"nobody@a.example","password":"whatever password"})", kJson);
    EXPECT_EQ(nobody.status, 401);
    EXPECT_EQ(wrong.json().at("error").at("message"), nobody.json().at("error").at("message")) << "do not reveal which accounts exist";
}

TEST_F(identity_api, RepeatedFailuresLockTheAccount)
{
    const identity::acting cli{nullptr, "test"};
    ASSERT_TRUE(identity().set_password(cli, members.at("A:finance").who.id, "the right password").ok());
    test::https_client client(platform.port());
    for (int i = 0; i < 5; ++i)
        EXPECT_EQ(client.send("POST", "/v1/sessions", R"({"email":"finance@a.example","password":"not the password"})", kJson).status, 401);
    // Now even the right password is refused until the lock expires.
    auto locked = client.send("POST", "/v1/sessions", R"({"email":"finance@a.example","password":"the right password"})", kJson);
    EXPECT_EQ(locked.status, 429);
    EXPECT_EQ(locked.json().at("error").at("code"), "too_many_attempts");
    EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'auth.login_failed'"), 4);
    EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'auth.locked'"), 1);
    // Another account is unaffected.
    ASSERT_TRUE(identity().set_password(cli, members.at("A:auditor").who.id, "auditor password").ok());
    EXPECT_EQ(client.send("POST", "/v1/sessions", R"({"email":"auditor@a.example","password":"auditor password"})", kJson).status, 201);
}

// Issue 15, defect 9: one global hashing slot turned five of six concurrent correct sign-ins into 503s.
TEST_F(identity_api, SixPeopleSigningInAtOnceAllGetIn)
{
    const identity::acting cli{nullptr, "test"};
    const std::vector<std::string> who{"A:tenant_admin", "A:commissioner", "A:approver", "A:contract_manager", "A:finance", "A:auditor"};
    for (const auto& m : who) ASSERT_TRUE(identity().set_password(cli, members.at(m).who.id, "a long enough password").ok()) << m;
    std::vector<int> statuses(who.size());
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < who.size(); ++i)
        threads.emplace_back([&, i] {
            test::https_client client(platform.port());
            const std::string email = members.at(who[i]).who.email;
            statuses[i] = client.send("POST", "/v1/sessions", R"({"email":")" + email + R"(","password":"a long enough password"})", kJson).status;
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(statuses, std::vector<int>(who.size(), 201));
}

// Issue 15, defect 9: a locked account answered 429 where an unknown one answered 401, and failures from
// anywhere locked the account for everyone. Now both back off alike, per email and client address.
TEST_F(identity_api, LockedAndUnknownAccountsAnswerAlikeAndALockHoldsOnlyItsAddress)
{
    const identity::acting cli{nullptr, "test"};
    ASSERT_TRUE(identity().set_password(cli, members.at("A:finance").who.id, "the right password").ok());
    const std::string attacker = "198.51.100.7", colleague = "203.0.113.9";
    std::vector<std::string> known, unknown;
    for (int i = 0; i < 6; ++i) {
        auto k = identity().login("r", attacker, "finance@a.example", "not the password");
        auto u = identity().login("r", attacker, "nobody@a.example", "not the password");
        ASSERT_FALSE(k.ok());
        ASSERT_FALSE(u.ok());
        known.push_back(k.err().code);
        unknown.push_back(u.err().code);
    }
    EXPECT_EQ(known, unknown) << "the answers do not reveal which account exists";
    EXPECT_EQ(known.back(), "too_many_attempts");
    EXPECT_EQ(known.front(), "invalid_credentials");
    EXPECT_FALSE(identity().login("r", attacker, "finance@a.example", "the right password").ok()) << "backed off from this address";
    EXPECT_TRUE(identity().login("r", colleague, "finance@a.example", "the right password").ok()) << "the owner elsewhere gets in";
}

// One address trying many emails is held back too, whatever the emails (a service with a low limit, to keep it quick).
TEST_F(identity_api, OneAddressSprayingManyEmailsIsHeldBack)
{
    system_clock now;
    identity::login_limits limits;
    limits.max_failures_per_client = 8;
    limits.password_iterations = 1000;
    identity::identity_service ids(platform.app().database(), now, limits);
    std::vector<std::string> codes;
    for (int i = 0; i < 10; ++i) {
        auto r = ids.login("r", "192.0.2.44", "user" + std::to_string(i) + "@spray.example", "guess-password");
        ASSERT_FALSE(r.ok());
        codes.push_back(r.err().code);
    }
    EXPECT_EQ(codes[7], "invalid_credentials");
    EXPECT_EQ(codes[8], "too_many_attempts") << "after 8 failures from the address, any email";
    auto elsewhere = ids.login("r", "192.0.2.45", "user1@spray.example", "guess-password");
    EXPECT_EQ(elsewhere.err().code, "invalid_credentials") << "another address is not held back";
}

TEST_F(identity_api, SecretsNeverReachLogsErrorsOrAudit)
{
    log_capture capture;
    const identity::acting cli{nullptr, "test"};
    const std::string password = "a very secret passphrase";
    ASSERT_TRUE(identity().set_password(cli, members.at("B:commissioner").who.id, password).ok());
    test::https_client client(platform.port());
    auto login = client.send("POST", "/v1/sessions", R"({"email":"commissioner@b.example","password":")" + password + "\"}", kJson);
    ASSERT_EQ(login.status, 201);
    const std::string session = std::string(login.json().at("token").as_string());
    client.get("/v1/me", as("Bearer " + session));
    auto bad = client.send("POST", "/v1/sessions", R"({"email":"commissioner@b.example","password":"wrong )" + password + "\"}", kJson);
    EXPECT_EQ(bad.body.find(password), std::string::npos);
    const std::string near_miss = session.substr(0, session.size() - 1) + (session.back() == 'A' ? "B" : "A");
    auto refused = client.get("/v1/me", as("Bearer " + near_miss));
    EXPECT_EQ(refused.status, 401);
    EXPECT_EQ(refused.body.find(near_miss), std::string::npos);

    const std::string logged = capture.all();
    EXPECT_NE(logged.find("login_failed"), std::string::npos) << "failed logins are logged";
    EXPECT_NE(logged.find("access_denied"), std::string::npos) << "denied requests are logged";
    EXPECT_EQ(logged.find(password), std::string::npos);
    EXPECT_EQ(logged.find(session), std::string::npos);
    EXPECT_EQ(logged.find(near_miss), std::string::npos);
    EXPECT_EQ(logged.find(members.at("A:tenant_admin").token), std::string::npos);
    EXPECT_EQ(count("SELECT count(*) FROM users WHERE password_hash LIKE '%" + password + "%'"), 0);
}

// PostgreSQL only: a query that forgets the tenant filter still sees only its own tenant's rows.
TEST_F(identity_api, PostgresqlOnly_RowLevelSecurityBlocksQueriesThatSkipTheApplicationCheck)
{
    ASSERT_EQ(test::backend_under_test(), db::backend::postgresql);
    auto& database = platform.app().database();
    long long seen = -1, others = -1, changed = -1;
    ASSERT_TRUE(database.transact(db::scope::tenant(tenant_a.id), [&](soci::session& sql) -> status {
        sql << "SELECT count(*) FROM users", soci::into(seen); // no WHERE: the application check is skipped
        long long b = tenant_b.id;
        sql << "SELECT count(*) FROM users WHERE tenant_id = :b", soci::use(b), soci::into(others);
        soci::statement update = (sql.prepare << "UPDATE users SET display_name = 'taken over' WHERE tenant_id = :b", soci::use(b));
        update.execute(true);
        changed = update.get_affected_rows();
        return ok_status();
    }).ok());
    EXPECT_EQ(seen, 6) << "tenant A has six users; RLS must hide the rest";
    EXPECT_EQ(others, 0);
    EXPECT_EQ(changed, 0);

    // A write that claims another tenant's row is refused by the policy's check.
    auto smuggle = database.transact(db::scope::tenant(tenant_a.id), [&](soci::session& sql) -> status {
        long long b = tenant_b.id;
        sql << "INSERT INTO users (kind, tenant_id, email, display_name, created_at) VALUES ('council', :b, 'mole@b.example', 'Mole', 'x')",
            soci::use(b);
        return ok_status();
    });
    EXPECT_FALSE(smuggle.ok());

    long long outside = -1;
    ASSERT_TRUE(database.with_session([&](soci::session& sql) -> status {
        sql << "SELECT count(*) FROM users", soci::into(outside); // no scope at all: nothing
        return ok_status();
    }).ok());
    EXPECT_EQ(outside, 0);
    EXPECT_GT(count("SELECT count(*) FROM users"), 6) << "the platform scope sees everyone";
}
