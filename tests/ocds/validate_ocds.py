#!/usr/bin/python3
"""Validates an OCDS 1.1 release package: validate_ocds.py --prefix ocds-xxxxxx PACKAGE.json

The release schema with the techniques and UK extensions merged on (JSON Merge Patch), checked by
python3-jsonschema's draft-04 validator, then the rules the schema cannot express. Prints each
problem with the JSON path it was found at; exits 1 if there are any."""
import argparse
import copy
import datetime
import json
import os
import sys

import jsonschema

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schema")
RELEASE_URL = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"


def merge_patch(target, patch):
    """RFC 7386: objects merge key by key, null removes, anything else replaces."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = merge_patch(out.get(key), value)
    return out


def load(name):
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        return json.load(f)


def is_datetime_with_offset(text):
    if not isinstance(text, str) or "T" not in text:
        return False
    if not (text.endswith("Z") or text[-6] in "+-"):
        return False
    try:
        datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
        return True
    except ValueError:
        return False


def dates_in(value, path):
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in ("date", "publishedDate", "startDate", "endDate", "dateSigned", "maxExtentDate"):
                yield f"{path}/{key}", inner
            else:
                yield from dates_in(inner, f"{path}/{key}")
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            yield from dates_in(inner, f"{path}/{i}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--prefix", required=True)
    parser.add_argument("package")
    args = parser.parse_args()
    with open(args.package, encoding="utf-8") as f:
        package = json.load(f)

    release_schema = load("release-schema.json")
    for patch in ("techniques-release-schema.json", "uk-release-schema.json"):
        release_schema = merge_patch(release_schema, load(patch))
    package_schema = load("release-package-schema.json")
    resolver = jsonschema.RefResolver.from_schema(package_schema, store={RELEASE_URL: release_schema})
    problems = []
    validator = jsonschema.Draft4Validator(package_schema, resolver=resolver, format_checker=jsonschema.FormatChecker())
    for error in sorted(validator.iter_errors(package), key=lambda e: list(e.absolute_path)):
        problems.append("/" + "/".join(str(p) for p in error.absolute_path) + ": " + error.message)

    seen = set()
    for i, release in enumerate(package.get("releases", [])):
        rid = release.get("id")
        if rid in seen:
            problems.append(f"/releases/{i}/id: {rid} is not unique")
        seen.add(rid)
        if not str(release.get("ocid", "")).startswith(args.prefix + "-"):
            problems.append(f"/releases/{i}/ocid: {release.get('ocid')} does not start with {args.prefix}-")
    for path, value in dates_in(package, ""):
        if not is_datetime_with_offset(value):
            problems.append(f"{path}: {value!r} is not an ISO 8601 date-time with an offset")

    for p in problems:
        print(p)
    print(f"{len(package.get('releases', []))} releases, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
