// Validates database URLs before any connection is tried, so a typo fails with a message, not a hang.
#include "db/database_url.hpp"

#include <libpq-fe.h>

#include <memory>
#include <regex>

namespace dps::db {
namespace {

error url_error(const std::string& message)
{
    return make_error(error_kind::bad_request, "bad_config", "DPS_DB_URL: " + message);
}

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

} // namespace

const char* backend_name(backend kind) noexcept
{
    return kind == backend::sqlite ? "sqlite" : "postgresql";
}

result<database_url> parse_database_url(const std::string& text)
{
    if (starts_with(text, "sqlite:")) {
        std::string path = text.substr(7);
        if (path.rfind("//", 0) == 0) path.erase(0, 2); // tolerate sqlite://PATH
        if (path.empty()) return url_error("'sqlite:' needs a file path, e.g. sqlite:var/dps.db");
        if (path.find_first_of("\"'\n") != std::string::npos || path.find(' ') != std::string::npos)
            return url_error("the SQLite path must not contain spaces or quotes");
        if (path == ":memory:")
            return url_error("an in-memory SQLite database cannot be shared by a connection pool; give a file path");
        return database_url{backend::sqlite, "db=" + path + " timeout=5", "sqlite:" + path};
    }
    if (starts_with(text, "postgresql://") || starts_with(text, "postgres://")) {
        char* problem = nullptr;
        std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(PQconninfoParse(text.c_str(), &problem),
                                                                             &PQconninfoFree);
        if (!options) {
            std::string message = problem ? problem : "not a valid PostgreSQL URL";
            if (problem) PQfreemem(problem);
            while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
            return url_error(message);
        }
        // SOCI's PostgreSQL backend wants libpq's keyword=value form, not a URI: rebuild it from libpq's parse.
        std::string keywords;
        bool has_connect_timeout = false;
        for (auto* o = options.get(); o->keyword; ++o) {
            if (!o->val) continue;
            has_connect_timeout = has_connect_timeout || std::string{o->keyword} == "connect_timeout";
            std::string value;
            for (const char* c = o->val; *c; ++c) {
                if (*c == '\\' || *c == '\'') value.push_back('\\');
                value.push_back(*c);
            }
            keywords += std::string{keywords.empty() ? "" : " "} + o->keyword + "='" + value + "'";
        }
        if (!has_connect_timeout) keywords += " connect_timeout='5'"; // an unreachable server fails fast: 503, not a hang
        // Redact the password for logs: postgresql://user:secret@host → postgresql://user:***@host
        static const std::regex password(R"(^(postgres(?:ql)?://[^:@/]*):[^@/]*@)");
        std::string redacted = std::regex_replace(text, password, "$1:***@");
        static const std::regex query_password(R"(([?&]password=)[^&]*)");
        redacted = std::regex_replace(redacted, query_password, "$1***");
        return database_url{backend::postgresql, keywords, redacted};
    }
    // The value is not echoed: a mistyped URL may still carry a password.
    return url_error("must start with sqlite: or postgresql:// (for example sqlite:var/dps.db)");
}

} // namespace dps::db
