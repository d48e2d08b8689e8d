#!/usr/bin/env python3
"""Checks that docs/openapi.yaml documents exactly the routes the C++ route tables register.

The routes come from every platform/**/*_routes.cpp (system_routes.cpp included), found by
regex in two forms:
  - a direct registration, `<guard>.add("METHOD", "/path/{param}", ...)` or
    `<guard>.add_public("METHOD", "/path", ...)`;
  - a row of a route table, `{"METHOD", "/path/{param}", ...}`, which a loop registers with
    `guard.add(r.method, r.path, ...)` (platform/calloff/calloff_routes.cpp).
A registration whose method and path are not literals, in a file with no table rows, cannot be
read and is reported as a problem. The documented routes are the methods under each entry of
`paths:` in the YAML (read with Debian's python3-yaml).

Prints both counts, then every route registered but not documented and every route documented
but not registered; exits 1 when there is any difference, 2 when the inputs cannot be read.

Usage: openapi_routes.py [--root DIR] [--spec FILE]
"""
import argparse
import pathlib
import re
import sys

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")

# guard.add("POST", "/v1/dps", ...), routes.add_public("GET", "/healthz", ...); the arguments
# may be split over lines. Only a literal method and a literal path count: a registration built
# from variables would be missed, so the check also refuses a file whose calls it cannot read.
REGISTRATION = re.compile(r'\.\s*add(?:_public)?\s*\(\s*"([A-Z]+)"\s*,\s*"(/[^"]*)"')
TABLE_ROW = re.compile(r'\{\s*"(GET|PUT|POST|DELETE|PATCH|HEAD|OPTIONS|TRACE)"\s*,\s*"(/[^"]*)"')
ANY_ADD_CALL = re.compile(r'\.\s*add(?:_public)?\s*\(\s*(?!")')


def strip_comments(text):
    """Drops // and /* */ comments (outside string literals) so commented-out routes do not count."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif text.startswith('R"(', i):  # raw strings such as R"({"status":"ok"})"
            j = text.find(')"', i + 3)
            out.append('""')
            i = n if j < 0 else j + 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def registered_routes(root):
    routes = {}
    problems = []
    files = sorted(set((root / "platform").glob("**/*_routes.cpp")))
    if not files:
        problems.append("no platform/**/*_routes.cpp files under " + str(root))
    for path in files:
        text = strip_comments(path.read_text(encoding="utf-8"))
        rows = list(TABLE_ROW.finditer(text))
        for m in list(REGISTRATION.finditer(text)) + rows:
            method, pattern = m.group(1).lower(), m.group(2)
            if method not in METHODS:
                problems.append(f"{path.relative_to(root)}: unknown method {m.group(1)} for {pattern}")
            key = (pattern, method)
            if key in routes:
                problems.append(f"{path.relative_to(root)}: {method.upper()} {pattern} registered twice")
            routes[key] = str(path.relative_to(root))
        for m in ANY_ADD_CALL.finditer(text):
            # add_resolver(...) and the like are not route registrations; a loop over a route
            # table is read through the table's rows.
            if rows:
                continue
            line = text.count("\n", 0, m.start()) + 1
            problems.append(f"{path.relative_to(root)}:{line}: a route registration without a literal method and path")
    return routes, problems


def documented_routes(spec_path):
    try:
        import yaml  # Debian's python3-yaml (scripts/install-deps)
    except ImportError:
        print("openapi_routes: python3-yaml is missing; run scripts/install-deps", file=sys.stderr)
        sys.exit(2)
    try:
        doc = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        print(f"openapi_routes: cannot read {spec_path}: {e}", file=sys.stderr)
        sys.exit(2)
    paths = (doc or {}).get("paths") or {}
    routes = set()
    for path, item in paths.items():
        for key in (item or {}):
            if key in METHODS:
                routes.add((path, key))
    return routes


def main():
    here = pathlib.Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=pathlib.Path, default=here.parent.parent)
    parser.add_argument("--spec", type=pathlib.Path, default=None)
    args = parser.parse_args()
    root = args.root.resolve()
    spec = args.spec or root / "docs" / "openapi.yaml"

    code, problems = registered_routes(root)
    docs = documented_routes(spec)
    missing = sorted(set(code) - docs)
    extra = sorted(docs - set(code))

    print(f"openapi_routes: {len(code)} routes registered in the code, {len(docs)} documented in {spec.name}")
    for p in problems:
        print(f"  problem: {p}")
    for path, method in missing:
        print(f"  registered, not documented: {method.upper()} {path} ({code[(path, method)]})")
    for path, method in extra:
        print(f"  documented, not registered: {method.upper()} {path}")
    if missing or extra or problems:
        return 1
    print("openapi_routes: the document and the route tables match")
    return 0


if __name__ == "__main__":
    sys.exit(main())
