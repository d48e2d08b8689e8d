"""Converts docs/openapi.yaml to JSON for GET /v1/openapi.json (run by the build).

Usage: openapi_json.py IN.yaml OUT.json. Scalars keep the type YAML's core schema gives them, except
that dates are not turned into timestamps: an example written 2026-04-01 stays the string it is in
the API. Keys stay in the document's order, so the JSON reads like the YAML."""
import json
import sys

import yaml


class Loader(yaml.SafeLoader):
    pass


# No implicit timestamps: drop the resolver for them from this loader only.
Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

with open(sys.argv[1], encoding="utf-8") as f:
    document = yaml.load(f, Loader=Loader)
with open(sys.argv[2], "w", encoding="utf-8") as f:
    json.dump(document, f, ensure_ascii=False, separators=(",", ":"))
    f.write("\n")
