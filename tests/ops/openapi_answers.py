"""Real answers from a running dpsd, validated against the schemas its own GET /v1/openapi.json
documents for that operation and status (JSON Schema 2020-12, Debian's python3-jsonschema).

Usage: openapi_answers.py BASE_URL CA_FILE TOKENS_JSON. Exits 1 naming every answer that has no
documented status or does not match its schema. Calls a sample: public routes, each kind of
caller's reads (lists and single records, found by following the lists), reports, and the error
answers (401, 403, 404, 400, 422) whose envelope every client depends on."""
import json
import ssl
import sys
import urllib.error
import urllib.request

from jsonschema import Draft202012Validator, RefResolver

base, ca_file, tokens_file = sys.argv[1:4]
tls = ssl.create_default_context(cafile=ca_file)
tokens = json.load(open(tokens_file, encoding="utf-8"))


def call(method, path, token=None, body=None, accept="application/json"):
    headers = {"Accept": accept}
    data = None
    if token:
        headers["Authorization"] = "Bearer " + token
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, context=tls, timeout=10) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read()


status, _, raw = call("GET", "/v1/openapi.json")
assert status == 200, status
doc = json.loads(raw)
resolver = RefResolver.from_schema(doc)


def deref(node):
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), ref
        node = doc
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


checked = []
problems = []


def check(method, template, path, token=None, body=None, want=None):
    """Calls PATH (an instance of TEMPLATE) and validates the answer; returns the parsed body."""
    status, content_type, raw = call(method, path, token, body)
    where = f"{method} {path} -> {status}"
    if want is not None and status != want:
        problems.append(f"{where}: expected {want}: {raw[:200]!r}")
        return None
    operation = doc["paths"].get(template, {}).get(method.lower())
    if operation is None:
        problems.append(f"{where}: {method} {template} is not in the document")
        return None
    response = operation["responses"].get(str(status)) or operation["responses"].get("default")
    if response is None:
        problems.append(f"{where}: status {status} is not documented for {method} {template}")
        return None
    response = deref(response)
    media = content_type.split(";")[0].strip()
    content = response.get("content", {})
    if not raw:
        checked.append(where)
        return None
    if media not in content:
        problems.append(f"{where}: content type {media!r} is not documented (documented: {sorted(content)})")
        return None
    value = json.loads(raw) if media == "application/json" else raw.decode()
    schema = content[media].get("schema", {})
    validator = Draft202012Validator(schema, resolver=resolver)
    errors = sorted(validator.iter_errors(value), key=lambda e: list(e.absolute_path))
    for e in errors[:3]:
        at = "/".join(str(p) for p in e.absolute_path) or "(top)"
        problems.append(f"{where}: at {at}: {e.message[:300]}")
    checked.append(where)
    return value


def items(value):
    """The records of a list answer, whatever its envelope."""
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        for key in ("items", "data", "results"):
            if isinstance(value.get(key), list):
                return value[key]
    return []


newham = tokens["newham"]
provider = tokens["providers"]["riverside"]
provider = provider if isinstance(provider, str) else next(iter(provider.values()))

# Public routes.
check("GET", "/healthz", "/healthz", want=200)
check("GET", "/readyz", "/readyz", want=200)
check("GET", "/v1/version", "/v1/version", want=200)

# Who am I, for each kind of caller.
me = check("GET", "/v1/me", "/v1/me", newham["commissioner"], want=200)
tenant_id = me["tenant"]["id"]
provider_me = check("GET", "/v1/me", "/v1/me", provider, want=200)
check("GET", "/v1/me", "/v1/me", tokens["operator"], want=200)
check("GET", "/v1/tenants/{tenant_id}", f"/v1/tenants/{tenant_id}", newham["tenant_admin"], want=200)
check("GET", "/v1/tenants/{tenant_id}/users", f"/v1/tenants/{tenant_id}/users", newham["tenant_admin"], want=200)
check("GET", "/v1/tenants/{tenant_id}/plugin", f"/v1/tenants/{tenant_id}/plugin", newham["tenant_admin"], want=200)
check("GET", "/v1/tenants/{tenant_id}/plugin/versions", f"/v1/tenants/{tenant_id}/plugin/versions", newham["tenant_admin"], want=200)
check("GET", "/v1/tenants", "/v1/tenants", tokens["operator"], want=200)
provider_id = (provider_me.get("provider_organisation") or {}).get("id")
if provider_id:
    check("GET", "/v1/providers/{provider_id}", f"/v1/providers/{provider_id}", provider, want=200)
    check("GET", "/v1/providers/{provider_id}/profile", f"/v1/providers/{provider_id}/profile", provider)
else:
    problems.append("GET /v1/me as a provider names no provider")

# A DPS made through the API (the demo seed has councils and users only): created, its lots from
# Newham's plugin, opened, and a call-off drafted on its first lot.
lead = newham["commissioner"]
made = check("POST", "/v1/dps", "/v1/dps", lead, want=201, body={
    "title": "Children's home care DPS (openapi test)", "category": "childrens_social_care",
    "regime": "pcr2015_reg34", "term_starts_on": "2025-04-01", "term_ends_on": "2029-03-31",
    "latest_end_on": "2031-03-31"})
if made:
    lots = check("POST", "/v1/dps/{dps_id}/lots/from-plugin", f"/v1/dps/{made['id']}/lots/from-plugin", lead, want=201)
    check("POST", "/v1/dps/{dps_id}/status", f"/v1/dps/{made['id']}/status", lead, want=200, body={"action": "open"})
    first_lot = items(lots)[0]["code"] if items(lots) else "HC1"
    check("POST", "/v1/dps/{dps_id}/call-offs", f"/v1/dps/{made['id']}/call-offs", lead, want=201, body={
        "lot_code": first_lot, "title": "Home care, 20 hours a week, E15", "bid_deadline": "2027-03-01T12:00:00Z",
        "package": {"category": "home care", "hours_per_week": 20, "area": "E15", "start_date": "2027-04-07",
                    "duration_weeks": 52, "requirements": ["Two carers for morning visits"]},
        "weights": {"price": 0.6, "quality": 0.4}})

# The DPS, its lots, applications, agreements, and the call-offs on it.
systems = check("GET", "/v1/dps", "/v1/dps", newham["commissioner"], want=200)
if not items(systems):
    problems.append("GET /v1/dps: the demo council has no DPS to follow")
for d in items(systems)[:2]:
    dps_id = d["id"]
    check("GET", "/v1/dps/{dps_id}", f"/v1/dps/{dps_id}", newham["commissioner"], want=200)
    check("GET", "/v1/dps/{dps_id}/lots", f"/v1/dps/{dps_id}/lots", newham["commissioner"], want=200)
    check("GET", "/v1/dps/{dps_id}/history", f"/v1/dps/{dps_id}/history", newham["commissioner"], want=200)
    apps = check("GET", "/v1/dps/{dps_id}/applications", f"/v1/dps/{dps_id}/applications", newham["commissioner"])
    for a in items(apps)[:2]:
        check("GET", "/v1/applications/{application_id}", f"/v1/applications/{a['id']}", newham["commissioner"], want=200)
    agreements = check("GET", "/v1/dps/{dps_id}/agreements", f"/v1/dps/{dps_id}/agreements", newham["commissioner"])
    for a in items(agreements)[:2]:
        check("GET", "/v1/agreements/{agreement_id}", f"/v1/agreements/{a['id']}", newham["commissioner"], want=200)
    check("GET", "/v1/dps/{dps_id}/spend-authorities", f"/v1/dps/{dps_id}/spend-authorities", newham["commissioner"])
offs = check("GET", "/v1/call-offs", "/v1/call-offs", newham["commissioner"], want=200)
for c in items(offs)[:3]:
    check("GET", "/v1/call-offs/{call_off_id}", f"/v1/call-offs/{c['id']}", newham["commissioner"], want=200)
    check("GET", "/v1/call-offs/{call_off_id}/history", f"/v1/call-offs/{c['id']}/history", newham["commissioner"], want=200)
check("GET", "/v1/call-offs", "/v1/call-offs", provider, want=200)
check("GET", "/v1/contracts", "/v1/contracts", newham["contract_manager"], want=200)
check("GET", "/v1/spot-purchases", "/v1/spot-purchases", newham["commissioner"], want=200)
check("GET", "/v1/reports/dps-vs-spot", "/v1/reports/dps-vs-spot?financial_year=2025", newham["commissioner"], want=200)

# Error answers: the envelope every client reads.
check("GET", "/v1/me", "/v1/me", want=401)
check("GET", "/v1/me", "/v1/me", "dps_" + "A" * 43, want=401)
check("GET", "/v1/tenants/{tenant_id}/plugin/versions", f"/v1/tenants/{tenant_id}/plugin/versions", newham["commissioner"], want=403)
check("GET", "/v1/call-offs/{call_off_id}", "/v1/call-offs/999999", newham["commissioner"], want=404)
check("GET", "/v1/spot-purchases", "/v1/spot-purchases?colour=blue", newham["commissioner"], want=400)
check("GET", "/v1/reports/dps-vs-spot", "/v1/reports/dps-vs-spot?financial_year=1990", newham["commissioner"])
check("POST", "/v1/dps", "/v1/dps", newham["commissioner"], body={"title": 7})
check("POST", "/v1/sessions", "/v1/sessions", body={"email": "nobody@example.org", "password": "wrong"})

for p in problems:
    print("openapi_answers: " + p, file=sys.stderr)
print(f"openapi_answers: {len(checked)} answers checked against their documented schemas, {len(problems)} problems")
sys.exit(1 if problems or len(checked) < 30 else 0)
