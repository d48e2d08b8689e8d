// Every lifecycle table walked: each legal move reaches its state, every other (state, action) pair
// is a 409 naming the state, and each table's states are exactly the schema's CHECK (status IN …).
#include "calloff/lifecycles.hpp"
#include "dps/lifecycles.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace dps;

namespace {

struct named_table {
    const lifecycle_table* table;
    const char* sql_table; // the table whose status column it governs
};

std::vector<named_table> all_tables()
{
    return {{&purchasing::table(purchasing::lifecycle::dps), "dps_systems"},
            {&purchasing::table(purchasing::lifecycle::application), "applications"},
            {&purchasing::table(purchasing::lifecycle::agreement), "access_agreements"},
            {&calloff::table(calloff::lifecycle::call_off), "call_offs"},
            {&calloff::table(calloff::lifecycle::bid), "bids"},
            {&calloff::table(calloff::lifecycle::award), "awards"},
            {&calloff::table(calloff::lifecycle::approval), "award_approvals"},
            {&calloff::table(calloff::lifecycle::contract), "contracts"},
            {&calloff::table(calloff::lifecycle::contract_change), "contract_changes"}};
}

// The status values the schema allows for `table`: the last CHECK (status IN (…)) that the
// migrations, read in order, give it (a later ADD CONSTRAINT replaces an earlier one).
std::set<std::string> schema_states(const std::string& table)
{
    std::vector<std::filesystem::path> files;
    for (const auto& f : std::filesystem::directory_iterator(std::string{DPS_SOURCE_DIR} + "/schema")) files.push_back(f.path());
    std::sort(files.begin(), files.end());
    const std::regex create("CREATE TABLE " + table + " \\(([\\s\\S]*?)\\n\\);"); // to the table's closing line
    const std::regex alter("ALTER TABLE " + table + " ADD CONSTRAINT \\w+\\s+CHECK \\(status IN \\(([^)]*)\\)\\)");
    const std::regex check("status TEXT[^\\n]*CHECK \\(status IN \\(([^)]*)\\)\\)");
    std::string list;
    for (const auto& f : files) {
        std::ifstream in(f);
        std::stringstream text;
        text << in.rdbuf();
        const std::string sql = text.str();
        for (std::sregex_iterator it(sql.begin(), sql.end(), create), end; it != end; ++it) {
            std::smatch m;
            const std::string body = (*it)[1];
            if (std::regex_search(body, m, check)) list = m[1];
        }
        for (std::sregex_iterator it(sql.begin(), sql.end(), alter), end; it != end; ++it) list = (*it)[1];
    }
    std::set<std::string> out;
    const std::regex quoted("'([a-z_]+)'");
    for (std::sregex_iterator it(list.begin(), list.end(), quoted), end; it != end; ++it) out.insert((*it)[1]);
    return out;
}

} // namespace

TEST(Lifecycles, EveryLegalMoveReachesItsStateAndEveryOtherIsAConflictNamingTheState)
{
    for (const auto& [t, name] : all_tables()) {
        std::set<std::string> actions;
        for (const auto& m : t->moves()) actions.emplace(m.action);
        for (const auto& from : t->states())
            for (const auto& action : actions) {
                const auto legal = std::find_if(t->moves().begin(), t->moves().end(),
                                                [&](const transition& m) { return m.from == from && m.action == action; });
                auto got = t->next(from, action);
                if (legal != t->moves().end()) {
                    ASSERT_TRUE(got.ok()) << name << ": " << from << " --" << action << "-->";
                    EXPECT_EQ(*got, legal->to) << name;
                } else {
                    ASSERT_FALSE(got.ok()) << name << ": " << from << " --" << action << "--> must be illegal";
                    EXPECT_EQ(got.err().kind, error_kind::conflict);
                    EXPECT_EQ(got.err().code, "illegal_transition");
                    EXPECT_EQ(got.err().detail, from) << "the 409 names the current state";
                    EXPECT_NE(got.err().message.find(std::string{t->noun()}), std::string::npos) << got.err().message;
                }
            }
        EXPECT_FALSE(t->is_action("no_such_action")) << name;
        EXPECT_FALSE(t->next("no_such_state", *actions.begin()).ok()) << name;
    }
}

TEST(Lifecycles, EachTablesStatesAreExactlyTheSchemasCheckList)
{
    for (const auto& [t, name] : all_tables()) {
        const auto states = t->states();
        const std::set<std::string> from_table(states.begin(), states.end());
        const auto from_schema = schema_states(name);
        ASSERT_FALSE(from_schema.empty()) << "no CHECK (status IN …) found for " << name;
        EXPECT_EQ(from_table, from_schema) << name;
    }
}

TEST(Lifecycles, TheClocksOwnMovesAreInTheTables)
{
    // Expiry, ending and approval are moves like any other: a closed DPS does not expire, an ended
    // contract does not end twice, a decided approval step is not decided again.
    EXPECT_EQ(*purchasing::next_state(purchasing::lifecycle::dps, "suspended", "expire"), "expired");
    EXPECT_FALSE(purchasing::next_state(purchasing::lifecycle::dps, "closed", "expire").ok());
    EXPECT_EQ(*calloff::next_state(calloff::lifecycle::contract, "active", "end"), "ended");
    EXPECT_FALSE(calloff::next_state(calloff::lifecycle::contract, "ended", "end").ok());
    EXPECT_FALSE(calloff::next_state(calloff::lifecycle::approval, "approved", "reject").ok());
    EXPECT_EQ(calloff::next_state(calloff::lifecycle::award, "approved", "approve").err().message, "cannot approve an award that is approved");
}
