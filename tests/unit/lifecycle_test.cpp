// Every lifecycle table walked: each legal move reaches its state, every other (state, action) pair
// is a 409 naming the state, and each vocabulary's states are exactly the table's and the schema's
// CHECK (status IN …). Every word of every vocabulary parses back to itself.
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


// Walks one table: every (status, action) pair of its two enums, legal or not; then holds the
// enum's words, the table's states and the schema's CHECK list equal.
template <class S, class A>
void walk(const lifecycle<S, A>& t, const std::string& sql_table)
{
    SCOPED_TRACE(sql_table);
    for (const auto& from : names(S{}))
        for (const auto& action : names(A{})) {
            const auto legal = std::find_if(t.moves().begin(), t.moves().end(),
                                            [&](const auto& m) { return m.from == from.value && m.action == action.value; });
            auto got = t.next(from.value, action.value);
            if (legal != t.moves().end()) {
                ASSERT_TRUE(got.ok()) << from.text << " --" << action.text << "-->";
                EXPECT_EQ(*got, legal->to);
            } else {
                ASSERT_FALSE(got.ok()) << from.text << " --" << action.text << "--> must be illegal";
                EXPECT_EQ(got.err().kind, error_kind::conflict);
                EXPECT_EQ(got.err().code, "illegal_transition");
                EXPECT_EQ(got.err().detail, from.text) << "the 409 names the current state";
                EXPECT_NE(got.err().message.find(std::string{t.noun()}), std::string::npos) << got.err().message;
                EXPECT_NE(got.err().message.find(std::string{action.text}), std::string::npos) << got.err().message;
            }
        }
    // Every action the enum names is a move somewhere in the table (no dead words), and every state
    // the enum names is reached or left by one.
    for (const auto& action : names(A{}))
        EXPECT_TRUE(std::any_of(t.moves().begin(), t.moves().end(), [&](const auto& m) { return m.action == action.value; }))
            << action.text << " is in the vocabulary but no move uses it";
    std::set<std::string> from_enum, from_table;
    for (const auto& n : names(S{})) from_enum.emplace(n.text);
    for (auto s : t.states()) from_table.emplace(to_text(s));
    EXPECT_EQ(from_table, from_enum);
    const auto from_schema = schema_states(sql_table);
    ASSERT_FALSE(from_schema.empty()) << "no CHECK (status IN …) found for " << sql_table;
    EXPECT_EQ(from_enum, from_schema);
}

// Each enum's words: distinct, each parsing back to its own enumerator, and an unknown word parsing to nothing.
template <class E>
void round_trips()
{
    std::set<std::string_view> seen;
    for (const auto& n : names(E{})) {
        EXPECT_TRUE(seen.insert(n.text).second) << n.text << " twice";
        EXPECT_EQ(parse<E>(n.text), n.value);
        EXPECT_EQ(to_text(n.value), n.text);
    }
    EXPECT_FALSE(parse<E>("no_such_word").has_value());
    EXPECT_FALSE(parse<E>("").has_value());
    EXPECT_THROW(from_column<E>("no_such_word"), std::runtime_error);
}

} // namespace

TEST(Lifecycles, EveryLegalMoveReachesItsStateEveryOtherIsAConflictAndTheStatesAreTheSchemas)
{
    walk(purchasing::kDpsLifecycle, "dps_systems");
    walk(purchasing::kApplicationLifecycle, "applications");
    walk(purchasing::kAgreementLifecycle, "access_agreements");
    walk(calloff::kCallOffLifecycle, "call_offs");
    walk(calloff::kBidLifecycle, "bids");
    walk(calloff::kAwardLifecycle, "awards");
    walk(calloff::kApprovalLifecycle, "award_approvals");
    walk(calloff::kContractLifecycle, "contracts");
    walk(calloff::kContractChangeLifecycle, "contract_changes");
}

TEST(Lifecycles, EveryWordOfEveryVocabularyRoundTrips)
{
    using namespace purchasing;
    using namespace calloff;
    round_trips<dps_status>();
    round_trips<dps_action>();
    round_trips<application_status>();
    round_trips<application_action>();
    round_trips<agreement_status>();
    round_trips<agreement_action>();
    round_trips<call_off_status>();
    round_trips<call_off_action>();
    round_trips<bid_status>();
    round_trips<bid_action>();
    round_trips<award_status>();
    round_trips<award_action>();
    round_trips<approval_status>();
    round_trips<approval_action>();
    round_trips<contract_status>();
    round_trips<contract_action>();
    round_trips<change_status>();
    round_trips<change_action>();
}

TEST(Lifecycles, TheClocksOwnMovesAreInTheTables)
{
    // Expiry, ending and approval are moves like any other: a closed DPS does not expire, an ended
    // contract does not end twice, a decided approval step is not decided again.
    using namespace purchasing;
    using namespace calloff;
    EXPECT_EQ(*next_state(dps_status::suspended, dps_action::expire), dps_status::expired);
    EXPECT_FALSE(next_state(dps_status::closed, dps_action::expire).ok());
    EXPECT_EQ(*next_state(contract_status::active, contract_action::end), contract_status::ended);
    EXPECT_FALSE(next_state(contract_status::ended, contract_action::end).ok());
    EXPECT_FALSE(next_state(approval_status::approved, approval_action::reject).ok());
    EXPECT_EQ(next_state(award_status::approved, award_action::approve).err().message, "cannot approve an award that is approved");
    EXPECT_EQ(next_state(agreement_status::notice_given, agreement_action::expire).value(), agreement_status::terminated);
}
