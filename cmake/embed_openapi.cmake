# Generates a C++ file holding docs/openapi.yaml and its JSON form, for GET /v1/openapi.{yaml,json}.
# Run as: cmake -DYAML=… -DJSON=… -DOUTPUT=… -P embed_openapi.cmake
# The texts go in as raw-string pieces of at most 16 KiB (ISO C++ promises literals of 64 KiB only;
# -Wpedantic says so), joined once at first use.
function(pieces path out)
    file(READ "${path}" text)
    if(text MATCHES "\\)dpsdoc\"")
        message(FATAL_ERROR "${path} contains the raw-string delimiter )dpsdoc\"")
    endif()
    string(LENGTH "${text}" length)
    set(result "")
    set(offset 0)
    while(offset LESS length)
        string(SUBSTRING "${text}" ${offset} 16384 piece)
        string(APPEND result "        R\"dpsdoc(${piece})dpsdoc\",\n")
        math(EXPR offset "${offset} + 16384")
    endwhile()
    set(${out} "${result}" PARENT_SCOPE)
endfunction()
pieces("${YAML}" yaml_pieces)
pieces("${JSON}" json_pieces)
set(body "// Generated from docs/openapi.yaml by cmake/embed_openapi.cmake. Do not edit.
#include \"app/openapi.hpp\"

#include <initializer_list>
#include <string>

namespace dps::app {

namespace {

std::string join(std::initializer_list<const char*> pieces)
{
    std::string out;
    for (const char* p : pieces) out += p;
    return out;
}

} // namespace

const std::string& openapi_yaml()
{
    static const std::string text = join({
${yaml_pieces}    });
    return text;
}

const std::string& openapi_json()
{
    static const std::string text = join({
${json_pieces}    });
    return text;
}

} // namespace dps::app
")
file(WRITE "${OUTPUT}.tmp" "${body}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
