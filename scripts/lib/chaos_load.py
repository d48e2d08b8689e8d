#!/usr/bin/env python3
"""Load driver for scripts/chaos (python3 standard library only).

  chaos_load.py setup  --port P --tokens tokens.json --out DIR
      Newham and Haringey each open a DPS, admit the four demo providers to one lot, and record a
      spend authority small enough to be reached during the run. Writes DIR/setup.json.
  chaos_load.py load   --port P --tokens tokens.json --out DIR --stop-file F [bounds]
      Eight client threads (two councils creating call-offs, four providers bidding and amending,
      two councils evaluating, awarding and approving) until F appears, then drains and exits.
      Writes DIR/requests.jsonl (every HTTP attempt, with times) and DIR/writes.csv (every logical
      write: acknowledged, refused or unknown, with what it identifies).
  chaos_load.py report --out DIR --events EVENTS
      Reads those logs and the orchestrator's event times; prints KEY=VALUE lines for the report:
      attempted/acknowledged writes, answers while PostgreSQL was down, time to first success.

A client behaves like a careful real one: a creating POST carries an Idempotency-Key and is retried
with the same key and body after a dropped connection, a 503 or 409 idempotency_in_progress.
Only a 2xx answer counts as an acknowledged write.
"""
import argparse
import csv
import http.client
import json
import os
import random
import socket
import ssl
import sys
import threading
import time
from datetime import datetime, timedelta, timezone

TLS = ssl.create_default_context()
TLS.check_hostname = False
TLS.verify_mode = ssl.CERT_NONE  # dpsd's certificate is self-signed, on loopback

HOURS = 10  # every package: 10 hours a week for 4 weeks, so a bid is worth 80,000-120,000 pence
WEEKS = 4
LOTS = {"newham": "semi-independent-16plus", "haringey": "lot2"}  # lots without a regulator rule
APPROVER = "approver"  # the seeded approver: Newham's budget_holder, Haringey's director_childrens_services
AREA = {"newham": "E15", "haringey": "N17"}


def today():
    return datetime.now(timezone.utc).date()


def iso(ts):
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_ts(text):  # "2026-12-02T03:20:33.000Z"
    return datetime.strptime(text[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc).timestamp()


class Logs:
    """Thread-safe append-only logs."""

    FIELDS = ["kind", "op_key", "outcome", "http_status", "code", "attempts", "obj_id", "call_off_id", "provider_id", "note", "seq", "t"]

    def __init__(self, out):
        self.lock = threading.Lock()
        self.requests = open(os.path.join(out, "requests.jsonl"), "a", buffering=1)
        new = not os.path.exists(os.path.join(out, "writes.csv"))
        self.writes_file = open(os.path.join(out, "writes.csv"), "a", newline="", buffering=1)
        self.writes = csv.DictWriter(self.writes_file, fieldnames=self.FIELDS, lineterminator="\n")
        if new:
            self.writes.writeheader()

    def request(self, **rec):
        with self.lock:
            self.requests.write(json.dumps(rec) + "\n")

    def write(self, kind, answer, op_key="", obj_id="", call_off_id="", provider_id="", note="", seq=""):
        """One logical write → its outcome: acked (a 2xx), refused (a definite 4xx) or unknown."""
        if answer.ok:
            outcome = "acked"
        elif answer.status is not None and answer.status < 500 and (answer.keyed or answer.attempts == 1):
            outcome = "refused"
        else:
            # No answer in time, a 5xx, or a 4xx to a retry without a key (the first attempt may have been applied).
            outcome = "unknown"
        with self.lock:
            self.writes.writerow({"kind": kind, "op_key": op_key, "outcome": outcome, "http_status": answer.status or "",
                                  "code": answer.code, "attempts": answer.attempts, "obj_id": obj_id, "call_off_id": call_off_id,
                                  "provider_id": provider_id, "note": note, "seq": seq, "t": "%.3f" % time.time()})
        return outcome


class Answer:
    def __init__(self, status, doc, code, attempts, keyed):
        self.status, self.doc, self.code, self.attempts, self.keyed = status, doc, code, attempts, keyed
        self.ok = status is not None and 200 <= status < 300

    def get(self, field, default=""):
        return self.doc.get(field, default) if isinstance(self.doc, dict) else default


class Client:
    """One keep-alive HTTPS connection with one bearer token; reconnects after any failure."""

    def __init__(self, port, token, who, logs, stop_all):
        self.port, self.token, self.who, self.logs, self.stop_all = port, token, who, logs, stop_all
        self.conn = None

    def once(self, method, path, body=None, key=None, route=None):
        """One HTTP attempt → (status or None, json or None, error code or exception name)."""
        headers = {"Authorization": "Bearer " + self.token}
        data = None
        if body is not None:
            data = json.dumps(body, separators=(",", ":"))
            headers["Content-Type"] = "application/json"
        if key:
            headers["Idempotency-Key"] = key
        t0 = time.time()
        status, doc, code, replayed = None, None, "", False
        try:
            if self.conn is None:
                self.conn = http.client.HTTPSConnection("127.0.0.1", self.port, context=TLS, timeout=10)
            self.conn.request(method, path, body=data, headers=headers)
            resp = self.conn.getresponse()
            raw = resp.read()
            status = resp.status
            replayed = resp.getheader("Idempotent-Replayed", "") == "true"
            try:
                doc = json.loads(raw) if raw else None
            except ValueError:
                doc, code = None, "not_json"
            if isinstance(doc, dict) and isinstance(doc.get("error"), dict):
                code = doc["error"].get("code", "")
            if resp.getheader("Connection", "").lower() == "close":
                self.close()
        except socket.timeout:
            code = "timeout"
            self.close()
        except (OSError, http.client.HTTPException) as e:
            code = type(e).__name__
            self.close()
        self.logs.request(t0=round(t0, 4), t1=round(time.time(), 4), who=self.who, method=method, route=route or path,
                          status=status if status is not None else "conn", code=code, key=key or "", replayed=replayed)
        return status, doc, code

    def close(self):
        if self.conn is not None:
            try:
                self.conn.close()
            except OSError:
                pass
        self.conn = None

    def call(self, method, path, body=None, key=None, route=None, patience=25.0):
        """Retries a lost connection, a 503 or an idempotency_in_progress with the same key and body,
        for up to `patience` seconds. Returns an Answer (status None: never answered)."""
        give_up = time.time() + patience
        attempt = 0
        while True:
            attempt += 1
            status, doc, code = self.once(method, path, body, key, route)
            transient = status is None or status == 503 or (status == 409 and code == "idempotency_in_progress")
            if not transient or time.time() > give_up or self.stop_all.is_set():
                return Answer(status, doc, code, attempt, bool(key))
            time.sleep(min(0.05 * attempt, 0.5))


def load_tokens(path):
    with open(path) as f:
        return json.load(f)


# ---------------------------------------------------------------- setup

def setup(args):
    tokens = load_tokens(args.tokens)
    logs = Logs(args.out)
    stop = threading.Event()
    start, ends = today(), today() + timedelta(days=730)
    out = {"councils": {}, "providers": {}}

    def must(client, method, path, body=None, want=(200, 201)):
        answer = client.call(method, path, body)
        if answer.status not in want:
            sys.exit("chaos setup: %s %s -> %s %s %s" % (method, path, answer.status, answer.code, json.dumps(answer.doc)[:400]))
        return answer.doc

    providers = tokens["providers"]
    for name, p in providers.items():
        admin = Client(args.port, p["provider_admin"], name + ":admin", logs, stop)
        # Profiles that satisfy every lot used here (Haringey wants the London Living Wage).
        must(admin, "PATCH", "/v1/providers/%d/profile" % p["provider_id"],
             {"ofsted_urn": "SC9%05d" % p["provider_id"], "ofsted_rating": "good", "cqc_location_id": "1-9%05d" % p["provider_id"],
              "cqc_rating": "good", "living_wage_commitment": "london_living_wage"})
        out["providers"][name] = p["provider_id"]
    for council, lot in LOTS.items():
        t = tokens[council]
        com = Client(args.port, t["commissioner"], council + ":commissioner", logs, stop)
        dps = must(com, "POST", "/v1/dps", {"title": "Chaos DPS " + council, "category": "children's care", "regime": "pcr2015_reg34",
                                           "term_starts_on": start.isoformat(), "term_ends_on": ends.isoformat()})
        must(com, "POST", "/v1/dps/%d/lots/from-plugin" % dps["id"])
        must(com, "POST", "/v1/dps/%d/status" % dps["id"], {"action": "open"})
        for name, p in providers.items():
            bidder = Client(args.port, p["bidder"], name, logs, stop)
            app = must(bidder, "POST", "/v1/dps/%d/lots/%s/applications" % (dps["id"], lot))
            must(com, "POST", "/v1/applications/%d/decision" % app["id"], {"action": "admit"})
        # A spend authority small enough for the run to reach, so refusals at the limit are exercised.
        limit = args.spend_limit_pence[council]
        fin = Client(args.port, t["finance"], council + ":finance", logs, stop)
        sa = must(fin, "POST", "/v1/dps/%d/spend-authorities" % dps["id"],
                  {"limit_pence": limit, "starts_on": start.isoformat(), "ends_on": ends.isoformat(), "approved_by": "chaos"})
        out["councils"][council] = {"dps_id": dps["id"], "lot": lot, "spend_authority_id": sa["id"], "limit_pence": limit}
    with open(os.path.join(args.out, "setup.json"), "w") as f:
        json.dump(out, f)
    print("chaos setup: two DPSs open, four providers admitted to each, spend authorities recorded")


# ---------------------------------------------------------------- load

class Shared:
    def __init__(self):
        self.lock = threading.Lock()
        self.queues = {c: [] for c in LOTS}  # published call-offs awaiting evaluation: (deadline, id)
        self.creators_left = len(LOTS)
        self.last_deadline = 0.0


def creator(args, council, setup_doc, tokens, logs, shared, stop, stop_all):
    """A council's commissioner drafting and publishing call-offs at a steady pace."""
    com = Client(args.port, tokens[council]["commissioner"], council + ":commissioner", logs, stop_all)
    dps_id = setup_doc["councils"][council]["dps_id"]
    start = (today() + timedelta(days=30)).isoformat()
    n = 0
    try:
        while n < args.max_calloffs and not stop.is_set() and not stop_all.is_set():
            n += 1
            key = "co-%s-%s-%d" % (args.run_id, council, n)
            deadline = iso(time.time() + args.bid_window)
            # The title carries the key, so the checks can count rows per key.
            body = {"lot_code": LOTS[council], "title": "Chaos " + key, "bid_deadline": deadline,
                    "package": {"category": "home care", "hours_per_week": HOURS, "area": AREA[council], "start_date": start,
                                "duration_weeks": WEEKS, "requirements": ["support in the community"]}}
            made = com.call("POST", "/v1/dps/%d/call-offs" % dps_id, body, key=key, route="POST /v1/dps/{id}/call-offs")
            co = made.get("id")
            logs.write("call_off", made, key, co, co, note=body["title"])
            if made.ok:
                # Publishing has no key: after a lost answer a retry may be told 409 (already open).
                published = com.call("POST", "/v1/call-offs/%d/publish" % co, route="POST /v1/call-offs/{id}/publish")
                if logs.write("publish", published, key, co, co) != "refused":
                    with shared.lock:
                        shared.queues[council].append((parse_ts(deadline), co))
                        shared.last_deadline = max(shared.last_deadline, parse_ts(deadline))
            time.sleep(args.create_interval * random.uniform(0.7, 1.3))
    finally:
        with shared.lock:
            shared.creators_left -= 1


def bidder(args, name, tokens, logs, shared, stop_all):
    """A provider's bidder: bids once on every open call-off it can see, and amends some bids."""
    p = tokens["providers"][name]
    me = Client(args.port, p["bidder"], name, logs, stop_all)
    start = (today() + timedelta(days=30)).isoformat()
    mine = {}  # call_off_id -> {"bid": id or None, "deadline": ts, "amends": n}
    rng = random.Random("%s-%f" % (name, time.time()))
    while not stop_all.is_set():
        with shared.lock:
            finished = shared.creators_left == 0 and time.time() > shared.last_deadline
        if finished:
            return
        listed = me.call("GET", "/v1/call-offs", route="GET /v1/call-offs", patience=2)
        for c in listed.get("items", []) if listed.ok else []:
            if c.get("status") != "open" or not c.get("title", "").startswith("Chaos co-" + args.run_id):
                continue
            deadline = parse_ts(c["bid_deadline"])
            if deadline - time.time() < 1.0 or c["id"] in mine:
                continue
            key = "bid-%s-%s-%d" % (args.run_id, name, c["id"])
            body = {"hourly_rate_pence": rng.randint(2000, 3000), "hours_per_week": HOURS, "earliest_start": start, "notes": key}
            bid = me.call("POST", "/v1/call-offs/%d/bids" % c["id"], body, key=key, route="POST /v1/call-offs/{id}/bids",
                          patience=max(1.0, deadline - time.time()))
            logs.write("bid", bid, key, bid.get("id"), c["id"], p["provider_id"], note=key)
            mine[c["id"]] = {"bid": bid.get("id") if bid.ok else None, "deadline": deadline, "amends": 0}
        # Amend some live bids before their deadline (a PATCH sets values: retrying it is harmless).
        for co, b in list(mine.items()):
            if b["bid"] is None or b["amends"] >= 3 or b["deadline"] - time.time() < 1.0 or rng.random() > 0.5:
                continue
            b["amends"] += 1
            notes = "amend-%s-%d-%d" % (args.run_id, b["bid"], b["amends"])  # unique per attempt: the checks look for it
            body = {"hourly_rate_pence": rng.randint(2000, 3000), "hours_per_week": HOURS, "earliest_start": start, "notes": notes}
            amended = me.call("PATCH", "/v1/bids/%d" % b["bid"], body, route="PATCH /v1/bids/{id}",
                              patience=max(0.5, b["deadline"] - time.time()))
            logs.write("amend", amended, notes, b["bid"], co, p["provider_id"], note=notes, seq=b["amends"])
        for co in [co for co, b in mine.items() if b["deadline"] < time.time() - 5]:
            del mine[co]  # closed for bids: the list no longer offers it
        time.sleep(0.1)


def awarder(args, council, tokens, logs, shared, stop_all):
    """After each deadline: the commissioner evaluates and proposes the award (the top-ranked bid);
    the approver approves, or now and then rejects it first and the commissioner presses award again."""
    com = Client(args.port, tokens[council]["commissioner"], council + ":commissioner", logs, stop_all)
    appr = Client(args.port, tokens[council][APPROVER], council + ":approver", logs, stop_all)
    rng = random.Random("%s-%f" % (council, time.time()))
    while not stop_all.is_set():
        with shared.lock:
            q = shared.queues[council]
            ready = sorted(x for x in q if x[0] + 0.5 < time.time())
            for x in ready:
                q.remove(x)
            done = shared.creators_left == 0 and not q and not ready
        if done:
            return
        if not ready:
            time.sleep(0.2)
            continue
        for _, co in ready:
            evaluated = com.call("POST", "/v1/call-offs/%d/evaluation" % co, route="POST /v1/call-offs/{id}/evaluation")
            if logs.write("evaluate", evaluated, "", co, co) == "refused":
                continue
            for press in (1, 2):
                key = "award-%s-%d-%d" % (args.run_id, co, press)
                award = com.call("POST", "/v1/call-offs/%d/award" % co, {}, key=key, route="POST /v1/call-offs/{id}/award")
                logs.write("award", award, key, award.get("id"), co, award.get("provider_org_id"), note=str(award.get("value_pence")))
                if not award.ok:
                    break
                path = "/v1/awards/%d/approvals" % award.get("id")
                if press == 1 and rng.random() < 0.15:
                    rkey = "reject-%s-%d" % (args.run_id, award.get("id"))
                    rejected = appr.call("POST", path, {"decision": "reject", "comment": "chaos: try again"}, key=rkey,
                                         route="POST /v1/awards/{id}/approvals")
                    if logs.write("reject", rejected, rkey, award.get("id"), co) == "acked":
                        continue  # the call-off is evaluated again: a second press
                    break
                akey = "approve-%s-%d" % (args.run_id, award.get("id"))
                approved = appr.call("POST", path, {"decision": "approve"}, key=akey, route="POST /v1/awards/{id}/approvals")
                logs.write("approve", approved, akey, award.get("id"), co, note=str(approved.get("contract_id")))
                break


def load(args):
    tokens = load_tokens(args.tokens)
    with open(os.path.join(args.out, "setup.json")) as f:
        setup_doc = json.load(f)
    logs = Logs(args.out)
    shared = Shared()
    stop = threading.Event()      # the orchestrator is done: no more new call-offs
    stop_all = threading.Event()  # hard bound reached: every thread leaves now
    threads = [threading.Thread(target=creator, args=(args, c, setup_doc, tokens, logs, shared, stop, stop_all), daemon=True) for c in LOTS]
    threads += [threading.Thread(target=bidder, args=(args, n, tokens, logs, shared, stop_all), daemon=True) for n in tokens["providers"]]
    threads += [threading.Thread(target=awarder, args=(args, c, tokens, logs, shared, stop_all), daemon=True) for c in LOTS]
    crashed = []
    threading.excepthook = lambda e: (crashed.append(e.thread.name), sys.__excepthook__(e.exc_type, e.exc_value, e.exc_traceback))
    for t in threads:
        t.start()
    hard_stop = time.time() + args.max_seconds
    while any(t.is_alive() for t in threads):
        if not stop.is_set() and os.path.exists(args.stop_file):
            stop.set()
        if time.time() > hard_stop and not stop_all.is_set():
            print("chaos load: hard time bound reached, stopping every client", file=sys.stderr)
            stop_all.set()
        time.sleep(0.1)
    print("chaos load: %d clients finished%s" % (len(threads), "; crashed: " + ", ".join(crashed) if crashed else ""))
    return 1 if stop_all.is_set() or crashed else 0


# ---------------------------------------------------------------- report

def tally(rows, label):
    counts = {}
    for r in rows:
        counts[label(r)] = counts.get(label(r), 0) + 1
    return " ".join("%s=%d" % kv for kv in sorted(counts.items())) or "none"


def answer_label(r):
    return str(r["status"]) + (":" + r["code"] if r["code"] else "")


def report(args):
    events = {}
    with open(args.events) as f:
        for line in f:
            name, t = line.split()
            events.setdefault(name, []).append(float(t))
    with open(os.path.join(args.out, "requests.jsonl")) as f:
        reqs = [json.loads(line) for line in f]
    with open(os.path.join(args.out, "writes.csv")) as f:
        writes = list(csv.DictReader(f))
    out = {"http_requests": len(reqs), "writes_attempted": len(writes)}
    for outcome in ("acked", "refused", "unknown"):
        out["writes_" + outcome] = sum(w["outcome"] == outcome for w in writes)
    kinds = sorted({w["kind"] for w in writes})
    out["writes_by_kind"] = " ".join("%s=%d/%d" % (k, sum(w["kind"] == k and w["outcome"] == "acked" for w in writes),
                                                   sum(w["kind"] == k for w in writes)) for k in kinds)
    out["refusals"] = tally([w for w in writes if w["outcome"] == "refused"], lambda w: w["kind"] + ":" + (w["code"] or w["http_status"]))
    out["unknowns"] = tally([w for w in writes if w["outcome"] == "unknown"], lambda w: w["kind"] + ":" + (w["code"] or "no_answer"))
    # Writes whose first answer was lost (a kill, a dropped connection, a 503) and were retried with the same key.
    out["writes_retried"] = sum(int(w["attempts"]) > 1 for w in writes)
    out["replayed_answers"] = sum(1 for r in reqs if r.get("replayed"))
    out["conn_errors_total"] = sum(1 for r in reqs if r["status"] == "conn")
    # Writes a SIGKILL caught in flight: sent before the kill, connection lost after it.
    kills = events.get("kill", [])
    out["writes_cut_by_kills"] = sum(1 for r in reqs if r["method"] != "GET" and r["status"] == "conn"
                                     and any(r["t0"] <= k <= r["t1"] for k in kills))
    out["http_5xx_total"] = tally([r for r in reqs if isinstance(r["status"], int) and r["status"] >= 500], answer_label)

    # PostgreSQL's outage in two parts. Stopping: sent after pg_ctl stop began, before it returned (fast
    # shutdown ends sessions mid-request). Stopped: sent after it returned, answered before pg_ctl start
    # began; only a 503 with a JSON error is right there.
    stop, down, start, up = (events[k][0] for k in ("pg_stop", "pg_down", "pg_start", "pg_up"))
    stopping = [r for r in reqs if stop <= r["t0"] < down]
    stopped = [r for r in reqs if r["t0"] >= down and r["t1"] <= start]
    good = lambda r: r["status"] == 503 and r["code"] not in ("", "not_json")
    out["outage_seconds"] = "%.1f" % (start - down)
    out["stopping_answers"] = tally(stopping, answer_label)
    out["stopping_bad"] = sum(1 for r in stopping if not (good(r) or (isinstance(r["status"], int) and r["status"] < 500)))
    out["outage_requests"] = len(stopped)
    out["outage_503_json"] = sum(1 for r in stopped if good(r))
    out["outage_other"] = len(stopped) - out["outage_503_json"]
    out["outage_statuses"] = tally(stopped, answer_label)
    out["outage_slowest_answer_s"] = "%.3f" % max((r["t1"] - r["t0"] for r in stopped), default=0.0)
    # Straddling pg_ctl start: a request still unanswered when PostgreSQL came back.
    out["outage_unanswered_at_return"] = sum(1 for r in reqs if r["t0"] < up and r["t1"] > up and r["status"] == "conn")
    ok_after = [r["t1"] for r in reqs if isinstance(r["status"], int) and 200 <= r["status"] < 300 and r["t1"] >= up]
    out["recovery_seconds"] = "%.3f" % (min(ok_after) - up) if ok_after else "none"
    restarts = [u - k for k, u in zip(events.get("kill", []), events.get("up", []))]
    out["restart_seconds_max"] = "%.2f" % max(restarts, default=0.0)
    for k, v in out.items():
        print("%s=%s" % (k, v))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["setup", "load", "report"])
    ap.add_argument("--port", type=int)
    ap.add_argument("--tokens")
    ap.add_argument("--out", required=True)
    ap.add_argument("--stop-file")
    ap.add_argument("--events")
    ap.add_argument("--run-id", default="r")
    ap.add_argument("--max-calloffs", type=int, default=90, help="per council (the stop file usually comes first)")
    ap.add_argument("--create-interval", type=float, default=0.7, help="seconds between a council's call-offs")
    ap.add_argument("--bid-window", type=float, default=7.0, help="seconds from creation to bid deadline")
    ap.add_argument("--max-seconds", type=float, default=120.0, help="hard bound on the load phase")
    # Roughly 30 and 22 contracts of ~£1,000: Haringey's is reached during a run, Newham's perhaps.
    ap.add_argument("--spend-limit-newham", type=int, default=3_000_000)
    ap.add_argument("--spend-limit-haringey", type=int, default=2_200_000)
    args = ap.parse_args()
    args.spend_limit_pence = {"newham": args.spend_limit_newham, "haringey": args.spend_limit_haringey}
    if args.command == "setup":
        setup(args)
    elif args.command == "load":
        sys.exit(load(args))
    else:
        report(args)


if __name__ == "__main__":
    main()
