#!/usr/bin/env python3
"""Driver for scripts/limits (python3 standard library only).

  limits_load.py setup  --port P --tokens tokens.json --out DIR
      Cambridgeshire (the victim tenant) drafts a DPS so its reads return a row. Haringey (the attacking
      tenant) opens a DPS, admits a provider, runs one call-off to a contract, then uploads, as its
      tenant_admin, a plugin whose rate_uplift burns almost all of its instruction budget on every call
      (the loop size is calibrated against the live server through POST /v1/tenants/{id}/plugin/evaluate).
      Writes DIR/setup.json.
  limits_load.py run    --port P --pid PID --setup DIR/setup.json --out DIR --log dpsd.log [bounds]
      The phases, one after another. Each phase starts a victim process (another tenant's keep-alive
      connection: GET /v1/me and GET /v1/dps in a loop, every latency and status recorded) and an attack
      process, while this process samples dpsd's VmRSS (every 100 ms) and its open descriptors. Prints the
      table; exit 1 if dpsd died, a victim request failed, the peak RSS passed its bound, or RSS did not come
      back after an attack (memory dpsd still holds, not glibc's cache: see heap_in_use).
  limits_load.py victim ... / attack NAME ...
      The child processes (separate processes, so an attacker's Python work cannot hold the victim's GIL).

Every child has its own deadline and a SIGALRM backstop, so nothing outlives the run.
"""
import argparse
import asyncio
import http.client
import json
import math
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone

TLS = ssl.create_default_context()
TLS.check_hostname = False
TLS.verify_mode = ssl.CERT_NONE  # dpsd's certificate is self-signed, on loopback
HOST = "127.0.0.1"

VICTIM = "cambridgeshire"  # the tenant whose service must not suffer
ATTACKER = "haringey"      # the tenant whose own token and plugin are used against the service
BURN_DATE = "2025-04-01"   # rate_uplift burns ~all of its instruction budget and succeeds
LOOP_DATE = "2099-12-31"   # rate_uplift loops forever: stopped by the instruction budget
BOMB_DATE = "2098-12-31"   # rate_uplift allocates until the 4 MiB state limit stops it


def backstop(seconds):
    """A child that somehow outlives its deadline dies by SIGALRM (default action: terminate)."""
    signal.alarm(max(1, int(seconds)))


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, math.ceil(p * len(sorted_values)) - 1))
    return sorted_values[k]


# ---------------------------------------------------------------- raw TLS HTTP (attacks)

def tls_connect(port, timeout=10.0):
    raw = socket.create_connection((HOST, port), timeout=timeout)
    raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        return TLS.wrap_socket(raw, server_hostname="localhost")
    except Exception:
        raw.close()
        raise


def read_response(sock):
    """(status, lower-case headers, body) of one response; raises on EOF before a full head."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            raise EOFError("closed before a response")
        buf += chunk
        if len(buf) > 1 << 20:
            raise ValueError("response head too large")
    head, rest = buf.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    n = int(headers.get("content-length", "0"))
    while len(rest) < n:
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
    return status, headers, rest[:n]


def error_code(body):
    try:
        doc = json.loads(body)
        e = doc.get("error") if isinstance(doc, dict) else None
        if isinstance(e, dict):
            return e.get("code", ""), e.get("message", "")
    except ValueError:
        pass
    return "", ""


class RawConn:
    """One TLS connection reused while the server keeps it alive; a fresh one after any close."""

    def __init__(self, port):
        self.port, self.sock = port, None
        self.opened = 0

    def close(self):
        if self.sock is not None:
            try:
                self.sock.close()
            except OSError:
                pass
        self.sock = None

    def exchange(self, data):
        """Sends one request → (label, message, seconds). label: the status ("400:headers_too_large")
        or how the exchange failed ("reset_while_sending", "closed_without_answer", ...)."""
        t0 = time.perf_counter()
        try:
            if self.sock is None:
                self.sock = tls_connect(self.port)
                self.opened += 1
        except Exception as e:  # noqa: BLE001 - any failure to connect is a result here
            self.close()
            return "connect_failed:" + type(e).__name__, "", time.perf_counter() - t0
        send_error = ""
        try:
            self.sock.sendall(data)
        except (OSError, ssl.SSLError) as e:
            send_error = type(e).__name__
        try:
            status, headers, body = read_response(self.sock)
        except (OSError, ssl.SSLError, EOFError, ValueError) as e:
            self.close()
            what = "reset_while_sending" if send_error else "closed_without_answer"
            return what, send_error or type(e).__name__, time.perf_counter() - t0
        code, message = error_code(body)
        if headers.get("connection", "").lower() == "close" or send_error:
            self.close()
        return "%d%s" % (status, ":" + code if code else ""), message, time.perf_counter() - t0


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.counts = {}
        self.messages = {}
        self.seconds = {}

    def add(self, variant, label, message="", seconds=None):
        key = variant + " -> " + label
        with self.lock:
            self.counts[key] = self.counts.get(key, 0) + 1
            if message and key not in self.messages:
                self.messages[key] = message[:200]
            if seconds is not None:
                self.seconds.setdefault(variant, []).append(seconds)

    def result(self, **extra):
        timing = {}
        for v, xs in self.seconds.items():
            xs.sort()
            timing[v] = {"n": len(xs), "p50_ms": round(percentile(xs, 0.5) * 1000, 2), "max_ms": round(xs[-1] * 1000, 2)}
        return dict(counts=dict(sorted(self.counts.items())), messages=self.messages, timing=timing, **extra)


def loop_threads(n, seconds, body):
    """Runs body(worker_index, deadline) on n threads until the deadline."""
    deadline = time.time() + seconds
    threads = [threading.Thread(target=body, args=(i, deadline), daemon=True) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(max(0.1, deadline - time.time() + 15))


# ---------------------------------------------------------------- attacks

def attack_headers(args, setup):
    """Request heads just over, far over and just under the 16 KiB limit, and with many fields."""
    token = setup["attacker"]["commissioner"]
    auth = "Authorization: Bearer %s\r\n" % token
    limit = 16 * 1024

    def head(lines, path="/v1/me", authed=False):
        text = "GET %s HTTP/1.1\r\nHost: localhost\r\n%s" % (path, auth if authed else "") + "".join(lines) + "\r\n"
        return text.encode()

    base = len(head([], authed=True))
    variants = [
        ("one_field_just_over_16KiB", head(["X-Pad: " + "a" * (limit + 64 - 0) + "\r\n"])),
        ("2000_fields_30KiB", head(["X-F%d: %s\r\n" % (i, "v" * 6) for i in range(2000)])),
        ("1MiB_of_fields", head(["X-F%d: %s\r\n" % (i, "v" * 500) for i in range(2000)])),
        ("one_field_just_under_16KiB_authed", head(["X-Pad: " + "a" * (limit - base - 200) + "\r\n"], authed=True)),
        ("700_fields_under_16KiB_authed", head(["X-F%d: %s\r\n" % (i, "v" * 8) for i in range(700)], authed=True)),
    ]
    sizes = {name: len(data) for name, data in variants}
    tally = Tally()

    def worker(i, deadline):
        conn = RawConn(args.port)
        k = i
        while time.time() < deadline:
            name, data = variants[k % len(variants)]
            k += 1
            label, message, secs = conn.exchange(data)
            tally.add(name, label, message, secs)
        conn.close()

    loop_threads(args.connections, args.seconds, worker)
    return tally.result(request_bytes=sizes)


def json_request(path, token, body):
    head = ("POST %s HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\n"
            "Content-Length: %d\r\n\r\n" % (path, token, len(body)))
    return head.encode() + body


def attack_json(args, setup, variants):
    token = setup["attacker"]["commissioner"]
    built = [(name, json_request("/v1/dps", token, body)) for name, body in variants]
    sizes = {name: len(body) for name, body in variants}
    tally = Tally()

    def worker(i, deadline):
        conn = RawConn(args.port)
        k = i
        while time.time() < deadline:
            name, data = built[k % len(built)]
            k += 1
            label, message, secs = conn.exchange(data)
            tally.add(name, label, message, secs)
        conn.close()

    loop_threads(args.connections, args.seconds, worker)
    return tally.result(body_bytes=sizes)


def attack_deep_json(args, setup):
    depth = 100_000
    return attack_json(args, setup, [
        ("100k_nested_arrays", b"[" * depth + b"]" * depth),
        ("50k_nested_objects", b'{"a":' * (depth // 2) + b"0" + b"}" * (depth // 2)),
    ])


def padded(body, size):
    """body with spaces before its last byte (JSON allows them) to exactly size bytes."""
    assert len(body) <= size, (len(body), size)
    return body[:-1] + b" " * (size - len(body)) + body[-1:]


def attack_big_array(args, setup):
    limit = setup["body_limit"]
    # As many elements as fit: '{"title":[0,0,...,0]}' is 2n + 11 bytes; padded to exactly the limit.
    flat_n = (limit - 11) // 2
    flat = padded(b'{"title":[' + b"0," * (flat_n - 1) + b"0]}", limit)
    # One-element arrays inside (4 bytes of input, one allocation each): the parser's worst amplification here.
    nest_n = (limit - 11) // 4
    nested = padded(b'{"title":[' + b"[0]," * (nest_n - 1) + b"[0]]}", limit)
    million = b"[" + b"0," * 999_999 + b"0]"  # 1,000,000 elements: 2,000,001 bytes, over the default limit
    just_over = padded(b'{"title":[' + b"0," * (flat_n - 1) + b"0]}", limit + 1)  # one byte past the limit
    out = attack_json(args, setup, [
        ("%d_elems_at_limit" % flat_n, flat),
        ("%d_one_elem_arrays_at_limit" % nest_n, nested),
        ("1M_elems_2000001_bytes", million),
        ("%d_elems_limit_plus_1_byte" % flat_n, just_over),
    ])
    out["body_limit"] = limit
    return out


def attack_plugin(args, setup):
    """GET /v1/contracts/{id}/uplift as the attacking tenant: its rate_uplift burns its budget each call."""
    a = setup["attacker"]
    dates = [("burn_full_budget_ok", BURN_DATE), ("loop_killed_by_instruction_budget", LOOP_DATE),
             ("allocate_killed_by_memory_limit", BOMB_DATE)]
    reqs = [(name, ("GET /v1/contracts/%d/uplift?date=%s HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer %s\r\n\r\n"
                    % (a["contract_id"], d, a["commissioner"])).encode()) for name, d in dates]
    tally = Tally()

    def worker(i, deadline):
        conn = RawConn(args.port)
        k = i
        while time.time() < deadline:
            name, data = reqs[k % len(reqs)]
            k += 1
            label, message, secs = conn.exchange(data)
            if "plugin_error" in label:  # which limit stopped the call
                for what in ("instruction budget exceeded", "memory limit exceeded", "time limit exceeded"):
                    if what in message:
                        label += " (" + what + ")"
            tally.add(name, label, message if not label.startswith("200") else "", secs)
        conn.close()

    loop_threads(args.connections, args.seconds, worker)
    return tally.result(burn_iterations=setup["attacker"]["burn_iterations"], connections=args.connections)


# ---- asyncio attacks: many connections held open

class ConnStats:
    def __init__(self):
        self.opened = 0
        self.open_failed = {}
        self.open_now = 0
        self.peak_open = 0
        self.closed_by_server = 0
        self.closed_by_us_at_end = 0
        self.lifetimes = []  # seconds from open (after the handshake) to the server's close
        self.answers = {}
        self.write_errors = 0
        self.bytes_sent = 0

    def up(self):
        self.opened += 1
        self.open_now += 1
        self.peak_open = max(self.peak_open, self.open_now)

    def down(self):
        self.open_now -= 1

    def failed(self, e):
        k = type(e).__name__
        self.open_failed[k] = self.open_failed.get(k, 0) + 1

    def result(self):
        xs = sorted(self.lifetimes)
        life = {"n": len(xs)}
        if xs:
            life.update(min_s=round(xs[0], 2), p50_s=round(percentile(xs, 0.5), 2), max_s=round(xs[-1], 2))
        return {"opened": self.opened, "open_failed": self.open_failed, "peak_open_client_side": self.peak_open,
                "closed_by_server": self.closed_by_server, "closed_by_us_at_the_deadline": self.closed_by_us_at_end, "lifetime_until_server_close": life,
                "answers_before_close": self.answers, "write_errors": self.write_errors, "bytes_sent": self.bytes_sent}


async def hold(port, stats, deadline, use_tls, prefix=b"", drip=None, reopen=True):
    """Opens a connection, sends prefix, then one drip byte a second (or nothing), until the server
    closes it (recorded with its lifetime) or the deadline; reopens after a server close if asked."""
    while time.time() < deadline:
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(HOST, port, ssl=TLS if use_tls else None,
                                        server_hostname="localhost" if use_tls else None),
                timeout=10)
        except Exception as e:  # noqa: BLE001
            stats.failed(e)
            await asyncio.sleep(0.5)
            continue
        stats.up()
        t_open = time.time()
        closed = False
        try:
            if prefix:
                writer.write(prefix)
                stats.bytes_sent += len(prefix)
            while time.time() < deadline:
                try:
                    data = await asyncio.wait_for(reader.read(65536), timeout=min(1.0, max(0.05, deadline - time.time())))
                except asyncio.TimeoutError:
                    if drip:
                        try:
                            writer.write(drip)
                            await writer.drain()
                            stats.bytes_sent += len(drip)
                        except (OSError, ssl.SSLError):
                            stats.write_errors += 1
                            closed = True
                            break
                    continue
                except (OSError, ssl.SSLError):
                    closed = True
                    break
                if not data:
                    closed = True
                    break
                line = data.split(b"\r\n", 1)[0].decode("latin-1", "replace")[:40]
                stats.answers[line] = stats.answers.get(line, 0) + 1
        finally:
            stats.down()
            if closed:
                stats.closed_by_server += 1
                stats.lifetimes.append(time.time() - t_open)
            else:
                stats.closed_by_us_at_end += 1
            try:
                writer.close()
            except Exception:  # noqa: BLE001
                pass
        if not reopen or not closed:
            return


async def ramp(coros, per_batch=100, pause=0.05):
    """Starts the connections in batches, so handshakes do not all queue at once."""
    tasks = []
    for i, c in enumerate(coros):
        tasks.append(asyncio.ensure_future(c))
        if (i + 1) % per_batch == 0:
            await asyncio.sleep(pause)
    await asyncio.gather(*tasks, return_exceptions=True)


def attack_slowloris(args, setup):
    deadline = time.time() + args.seconds
    heads, bodies = ConnStats(), ConnStats()
    slow_head = b"GET /v1/me HTTP/1.1\r\nHost: localhost\r\nX-Slow: "
    slow_body = b"POST /v1/dps HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n["
    n_body = args.connections // 4
    coros = [hold(args.port, heads, deadline, True, slow_head, b"a") for _ in range(args.connections - n_body)]
    coros += [hold(args.port, bodies, deadline, True, slow_body, b"0") for _ in range(n_body)]
    asyncio.run(ramp(coros, per_batch=50))
    return {"slow_headers (a byte a second, reopened when closed)": heads.result(),
            "slow_body (a byte a second, reopened when closed)": bodies.result()}


def attack_idle(args, setup):
    deadline = time.time() + args.seconds
    tls_idle, tcp_idle = ConnStats(), ConnStats()
    n_tcp = args.connections // 4
    coros = [hold(args.port, tcp_idle, deadline, False) for _ in range(n_tcp)]  # first: they last 10 s
    coros += [hold(args.port, tls_idle, deadline, True) for _ in range(args.connections - n_tcp)]
    asyncio.run(ramp(coros, per_batch=100))
    return {"idle_after_tls_handshake (reopened when closed)": tls_idle.result(),
            "idle_tcp_no_client_hello (reopened when closed)": tcp_idle.result()}


def attack_stalled_bodies(args, setup):
    """Bodies of the largest allowed size, sent at once but for their last byte, then left hanging:
    without a token (dpsd reads a body before it checks who sent it)."""
    deadline = time.time() + args.seconds
    limit = setup["body_limit"]
    head = ("POST /v1/dps HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
            % limit).encode()
    prefix = head + b" " * (limit - 1)
    stats = ConnStats()
    asyncio.run(ramp([hold(args.port, stats, deadline, True, prefix) for _ in range(args.connections)], per_batch=50, pause=0.1))
    return {"%d-byte bodies but the last byte, no token (reopened when closed)" % limit: stats.result()}


ATTACKS = {
    "slowloris": attack_slowloris,
    "idle": attack_idle,
    "headers": attack_headers,
    "deep_json": attack_deep_json,
    "big_array": attack_big_array,
    "plugin": attack_plugin,
    "stalled_bodies": attack_stalled_bodies,
}


def attack_main(args):
    backstop(args.seconds + 30)
    with open(args.setup) as f:
        setup = json.load(f)
    t0 = time.time()
    out = {"attack": args.name}
    if args.name != "none":
        out["result"] = ATTACKS[args.name](args, setup)
    out["seconds"] = round(time.time() - t0, 2)
    with open(args.result, "w") as f:
        json.dump(out, f)


# ---------------------------------------------------------------- victim

VICTIM_SOURCE = "127.0.0.2"


def victim_main(args):
    backstop(args.seconds + 40)
    headers = {"Authorization": "Bearer " + args.token}
    paths = ["/v1/me", "/v1/dps"]
    conn = None
    records = []

    def connect():
        # The victim is another client: its own loopback address, so that the attacker's address
        # reaching dpsd's per-client connection limit (DPS_MAX_CONNECTIONS_PER_CLIENT) is not the victim's.
        c = http.client.HTTPSConnection(HOST, args.port, context=TLS, timeout=args.request_timeout,
                                        source_address=(VICTIM_SOURCE, 0))
        c.connect()
        c.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return c

    # Warm: one connection, handshake done, before the clock starts.
    conn = connect()
    conn.request("GET", "/healthz")
    conn.getresponse().read()
    print("ready", flush=True)
    end = time.time() + args.seconds
    next_probe = time.time() + args.probe_every
    i = 0
    while time.time() < end:
        if time.time() >= next_probe:  # can a new client still get in? a fresh connection, once a second
            next_probe += args.probe_every
            t_wall, t0 = time.time(), time.perf_counter()
            try:
                fresh = connect()
                fresh.request("GET", "/v1/me", headers=headers)
                resp = fresh.getresponse()
                resp.read()
                status = resp.status
                fresh.close()
            except (OSError, http.client.HTTPException, ssl.SSLError) as e:
                status = "conn:" + type(e).__name__
            records.append((round(t_wall, 4), "new-connection /v1/me", round((time.perf_counter() - t0) * 1000, 3), status))
        path = paths[i % len(paths)]
        i += 1
        t_wall = time.time()
        t0 = time.perf_counter()
        status = None
        try:
            if conn is None:
                conn = connect()
            conn.request("GET", path, headers=headers)
            resp = conn.getresponse()
            resp.read()
            status = resp.status
            if resp.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException, ssl.SSLError) as e:
            status = "conn:" + type(e).__name__
            try:
                conn.close()
            except Exception:  # noqa: BLE001
                pass
            conn = None
        records.append((round(t_wall, 4), path, round((time.perf_counter() - t0) * 1000, 3), status))
        time.sleep(args.pause)
    with open(args.result, "w") as f:
        json.dump(records, f)


# ---------------------------------------------------------------- setup

class Client:
    def __init__(self, port, token):
        self.port, self.token, self.conn = port, token, None

    def call(self, method, path, body=None, want=(200, 201), key=None):
        headers = {"Authorization": "Bearer " + self.token}
        data = None
        if body is not None:
            data = json.dumps(body)
            headers["Content-Type"] = "application/json"
        if key:
            headers["Idempotency-Key"] = key
        for attempt in range(3):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPSConnection(HOST, self.port, context=TLS, timeout=30)
                self.conn.request(method, path, body=data, headers=headers)
                resp = self.conn.getresponse()
                raw = resp.read()
                break
            except (OSError, http.client.HTTPException):
                self.conn = None
                if attempt == 2:
                    raise
        doc = json.loads(raw) if raw else None
        if want and resp.status not in want:
            sys.exit("limits setup: %s %s -> %d %s" % (method, path, resp.status, raw[:500].decode("utf-8", "replace")))
        return resp.status, doc


PLUGIN = r"""-- scripts/limits: a tenant plugin that uses its whole budget on every call (issue 15).
-- rate_uplift: on BURN_DATE it runs a loop sized to just under the 1,000,000-instruction budget and
-- returns the rate unchanged; on LOOP_DATE it never ends (the instruction budget stops it); on
-- BOMB_DATE it allocates until the 4 MiB state limit stops it.
local BURN = %d
local function burn(n)
  local x = 0
  for i = 1, n do x = x + (i & 7) end
  return x
end
return {
  -- For calibration only (POST /v1/tenants/{id}/plugin/evaluate): burns lot.n iterations.
  annual_fee = function(lot, agreement) burn(lot.n or 0) return 0 end,
  -- Haringey's demo approver holds this authority (the setup awards one call-off).
  approval_route = function(award) return { "director_childrens_services" } end,
  rate_uplift = function(contract, date)
    if date == "%s" then while true do end end
    if date == "%s" then
      local keep = {}
      while true do keep[#keep + 1] = string.rep("x", 4096) .. #keep end
    end
    burn(BURN)
    return contract.hourly_rate_pence
  end,
}
"""


def plugin_source(burn_n):
    return PLUGIN % (burn_n, LOOP_DATE, BOMB_DATE)


FIXTURES = {"cases": [
    {"name": "calibration hook", "hook": "annual_fee", "args": [{"n": 10}, {}], "expect": 0},
    {"name": "the demo approver approves", "hook": "approval_route", "args": [{"value_pence": 100000, "kind": "award"}],
     "expect": [{"authority": "director_childrens_services", "in_consultation_with": []}]},
    {"name": "burns and keeps the rate", "hook": "rate_uplift", "args": [{"hourly_rate_pence": 2500}, BURN_DATE], "expect": 2500},
    {"name": "loops until the budget stops it", "hook": "rate_uplift", "args": [{"hourly_rate_pence": 2500}, LOOP_DATE],
     "expect_error": "instruction budget exceeded"},
    {"name": "allocates until the memory limit stops it", "hook": "rate_uplift", "args": [{"hourly_rate_pence": 2500}, BOMB_DATE],
     "expect_error": "memory limit exceeded"},
]}


def setup_main(args):
    backstop(90)
    with open(args.tokens) as f:
        tokens = json.load(f)
    port = args.port
    today = datetime.now(timezone.utc).date()
    term = {"category": "children's care", "regime": "pcr2015_reg34", "term_starts_on": today.isoformat(),
            "term_ends_on": (today + timedelta(days=730)).isoformat()}

    # The victim's own data: a draft DPS its GET /v1/dps returns.
    vic = Client(port, tokens[VICTIM]["commissioner"])
    _, me = vic.call("GET", "/v1/me")
    vic.call("POST", "/v1/dps", dict(term, title="Limits victim DPS"))

    # The attacker: a DPS, a provider admitted to lot2, one call-off through to a contract.
    t = tokens[ATTACKER]
    com, adm = Client(port, t["commissioner"]), Client(port, t["tenant_admin"])
    _, ame = com.call("GET", "/v1/me")
    tenant_id = ame["tenant"]["id"]
    _, dps = com.call("POST", "/v1/dps", dict(term, title="Limits attacker DPS"))
    com.call("POST", "/v1/dps/%d/lots/from-plugin" % dps["id"])
    com.call("POST", "/v1/dps/%d/status" % dps["id"], {"action": "open"})
    name, p = sorted(tokens["providers"].items())[0]
    padmin, bidder = Client(port, p["provider_admin"]), Client(port, p["bidder"])
    padmin.call("PATCH", "/v1/providers/%d/profile" % p["provider_id"],
                {"ofsted_urn": "SC9%05d" % p["provider_id"], "ofsted_rating": "good", "cqc_location_id": "1-9%05d" % p["provider_id"],
                 "cqc_rating": "good", "living_wage_commitment": "london_living_wage"})
    _, app = bidder.call("POST", "/v1/dps/%d/lots/lot2/applications" % dps["id"])
    com.call("POST", "/v1/applications/%d/decision" % app["id"], {"action": "admit"})
    deadline = datetime.now(timezone.utc) + timedelta(seconds=3)
    start = (today + timedelta(days=30)).isoformat()
    _, co = com.call("POST", "/v1/dps/%d/call-offs" % dps["id"], {
        "lot_code": "lot2", "title": "Limits call-off", "bid_deadline": deadline.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "package": {"category": "home care", "hours_per_week": 10, "area": "N17", "start_date": start, "duration_weeks": 4,
                    "requirements": ["support in the community"]}})
    com.call("POST", "/v1/call-offs/%d/publish" % co["id"])
    bidder.call("POST", "/v1/call-offs/%d/bids" % co["id"],
                {"hourly_rate_pence": 2500, "hours_per_week": 10, "earliest_start": start, "notes": "limits"})

    # Meanwhile: upload the plugin with a placeholder loop and calibrate the loop against the budget.
    adm.call("POST", "/v1/tenants/%d/plugin/versions" % tenant_id,
             {"source": plugin_source(0), "fixtures": FIXTURES, "file_name": "limits/full-budget.lua"})

    def runs(n):
        status, doc = adm.call("POST", "/v1/tenants/%d/plugin/evaluate" % tenant_id,
                               {"hook": "annual_fee", "args": [{"n": n}, {}]}, want=None)
        if status == 200:
            return True
        msg = json.dumps(doc)
        if "instruction budget exceeded" in msg:
            return False
        sys.exit("limits setup: calibration call for n=%d failed otherwise: %d %s" % (n, status, msg[:300]))

    lo, hi = 1000, 2_000_000  # runs(lo) is true, runs(hi) false: 1M instructions cannot loop 2M times
    if not runs(lo) or runs(hi):
        sys.exit("limits setup: calibration bounds do not hold")
    while hi - lo > 200:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if runs(mid) else (lo, mid)
    burn_n = lo - 200  # a hair under the budget: every call succeeds with the budget all but spent
    _, uploaded = adm.call("POST", "/v1/tenants/%d/plugin/versions" % tenant_id,
                           {"source": plugin_source(burn_n), "fixtures": FIXTURES, "file_name": "limits/full-budget.lua"})

    # The call-off's deadline has passed by now: evaluate, award, approve → a contract.
    while datetime.now(timezone.utc) < deadline + timedelta(seconds=1):
        time.sleep(0.2)
    com.call("POST", "/v1/call-offs/%d/evaluation" % co["id"])
    _, award = com.call("POST", "/v1/call-offs/%d/award" % co["id"], {}, key="limits-award-%d" % co["id"])
    _, approved = Client(port, t["approver"]).call("POST", "/v1/awards/%d/approvals" % award["id"], {"decision": "approve"},
                                                   key="limits-approve-%d" % award["id"])
    contract_id = approved.get("contract_id")
    if not contract_id:
        sys.exit("limits setup: the approval made no contract: %s" % json.dumps(approved)[:300])
    # The route the attack hammers answers as intended.
    checks = {}
    for label, date in (("burn", BURN_DATE), ("loop", LOOP_DATE), ("bomb", BOMB_DATE)):
        status, doc = com.call("GET", "/v1/contracts/%d/uplift?date=%s" % (contract_id, date), want=None)
        checks[label] = [status, (doc.get("error", {}) or {}).get("message", "")[:160] if isinstance(doc, dict) and "error" in doc else "ok"]
    if checks["burn"][0] != 200:
        sys.exit("limits setup: the full-budget call failed: %s" % checks)
    out = {
        "victim": {"tenant": VICTIM, "tenant_id": me["tenant"]["id"], "token": tokens[VICTIM]["commissioner"]},
        "attacker": {"tenant": ATTACKER, "tenant_id": tenant_id, "commissioner": t["commissioner"], "contract_id": contract_id,
                     "burn_iterations": burn_n, "plugin_version": uploaded.get("version"), "uplift_checks": checks},
        "body_limit": args.body_limit,
    }
    with open(os.path.join(args.out, "setup.json"), "w") as f:
        json.dump(out, f, indent=1)
    print("limits setup: victim %s (tenant %d); attacker %s (tenant %d) contract %d, plugin v%s burns %d loop iterations "
          "(budget edge found at %d..%d); uplift checks %s" % (VICTIM, me["tenant"]["id"], ATTACKER, tenant_id, contract_id,
                                                               uploaded.get("version"), burn_n, lo, hi, json.dumps(checks)))


# ---------------------------------------------------------------- orchestration

class Sampler(threading.Thread):
    """dpsd's VmRSS every interval; its open descriptors every 5th sample."""

    def __init__(self, pid, interval):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.lock = threading.Lock()
        self.samples = []  # (t, rss_kib, fds or None)
        self.stopped = threading.Event()
        self.alive = True

    def read(self, fds=False):
        try:
            with open("/proc/%d/status" % self.pid) as f:
                rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
            n = len(os.listdir("/proc/%d/fd" % self.pid)) if fds else None
            return rss, n
        except (OSError, StopIteration):
            self.alive = False
            return None, None

    def run(self):
        i = 0
        while not self.stopped.is_set():
            rss, n = self.read(fds=(i % 5 == 0))
            if rss is None:
                return
            with self.lock:
                self.samples.append((time.time(), rss, n))
            i += 1
            self.stopped.wait(self.interval)

    def window(self, t0, t1):
        with self.lock:
            return [s for s in self.samples if t0 <= s[0] <= t1]


def log_events(path, offset):
    """Counts of dpsd's log events since offset → (counts, new offset)."""
    counts = {}
    with open(path, "rb") as f:
        f.seek(offset)
        data = f.read()
        offset += len(data)
    for line in data.splitlines():
        try:
            doc = json.loads(line)
        except ValueError:
            continue
        ev = doc.get("event", "?")
        key = "%s %s" % (ev, doc.get("status")) if ev == "access" else ev
        counts[key] = counts.get(key, 0) + 1
    return counts, offset


PHASES = [
    # name, attack, seconds, extra attack args
    ("0 quiet baseline", "none", "baseline_seconds", {}),
    ("1 slowloris", "slowloris", "phase_seconds", {"connections": "slowloris_conns"}),
    # Slow POST: the same stall with the largest body allowed. Run next to slowloris and before the JSON phases, so its
    # peak is not stacked on the free memory those leave in the workers' arenas (which the network threads cannot reuse).
    ("1b stalled 1 MiB bodies", "stalled_bodies", "phase_seconds", {"connections": "stalled_conns"}),
    ("2 idle connections", "idle", "idle_seconds", {"connections": "idle_conns"}),
    ("3 huge headers", "headers", "phase_seconds", {"connections": "header_conns"}),
    ("4 deep JSON", "deep_json", "phase_seconds", {"connections": "json_conns"}),
    ("5 big JSON array", "big_array", "phase_seconds", {"connections": "json_conns"}),
    ("6 full-budget plugin", "plugin", "phase_seconds", {"connections": "plugin_conns"}),
]


def heap_in_use(pid, log_path):
    """The bytes dpsd's malloc has handed out and not had back (glibc's malloc_stats "Total (incl. mmap): in use
    bytes", which dpsd prints on its stderr, our log, when gdb calls it), or None without gdb. Free memory that glibc
    keeps in its arenas for reuse, or cannot return because of fragmentation, counts in RSS but not here."""
    gdb = shutil.which("gdb")
    if not gdb:
        return None
    try:
        before = os.path.getsize(log_path)
        subprocess.run([gdb, "-batch", "-nx", "-iex", "set auto-load off", "-iex", "set debuginfod enabled off",
                        "-iex", "set auto-solib-add off", "-ex", r"sharedlibrary libc\.so", "-ex", "call (void)malloc_stats()",
                        "/bin/true", str(pid)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30, check=False)
        with open(log_path, "rb") as f:
            f.seek(before)
            text = f.read().decode("latin-1")
        total = text.rfind("Total (incl. mmap):")
        if total < 0:
            return None
        for line in text[total:].splitlines():
            if line.startswith("in use bytes"):
                return int(line.split("=")[1])
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    return None


def run_phase(args, sampler, setup, name, attack, seconds, extra, log_offset):
    me = os.path.abspath(__file__)
    tag = name.split()[0]
    vic_out = os.path.join(args.out, "victim-%s.json" % tag)
    att_out = os.path.join(args.out, "attack-%s.json" % tag)
    _, log_offset = log_events(args.log, log_offset)  # what came before is not this phase's
    victim = subprocess.Popen([sys.executable, me, "victim", "--port", str(args.port), "--token", setup["victim"]["token"],
                               "--seconds", str(seconds), "--result", vic_out, "--pause", str(args.victim_pause)],
                              stdout=subprocess.PIPE, text=True)
    CHILDREN.append(victim)
    ready = victim.stdout.readline().strip()
    if ready != "ready":
        victim.kill()
        victim.wait()
        return {"name": name, "error": "the victim could not start (dpsd not answering?)"}, log_offset
    t0 = time.time()
    cmd = [sys.executable, me, "attack", attack, "--port", str(args.port), "--seconds", str(seconds), "--setup", args.setup,
           "--result", att_out]
    for flag, attr in extra.items():
        cmd += ["--" + flag, str(getattr(args, attr))]
    attacker = subprocess.Popen(cmd)
    CHILDREN.append(attacker)
    for p, grace in ((attacker, 35), (victim, 45)):
        try:
            p.wait(timeout=seconds + grace)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    t1 = time.time()
    # Settle: until dpsd's descriptors are back near the quiet count (its connections closed), at most settle_seconds.
    while time.time() < t1 + args.settle_seconds and sampler.alive:
        _, n = sampler.read(fds=True)
        if n is not None and n <= BASE_FDS[0] + 4:
            break
        time.sleep(0.2)
    time.sleep(0.5)
    t2 = time.time()
    after_rss, after_fds = sampler.read(fds=True)
    during = sampler.window(t0, t2)
    log_counts, log_offset = log_events(args.log, log_offset)

    row = {"name": name, "attack": attack, "seconds": seconds}
    try:
        with open(vic_out) as f:
            everything = json.load(f)
    except (OSError, ValueError):
        everything = []
    records = [r for r in everything if not r[1].startswith("new-connection")]
    probes = [r for r in everything if r[1].startswith("new-connection")]
    ok = lambda r: isinstance(r[3], int) and 200 <= r[3] < 300  # noqa: E731
    lat = sorted(r[2] for r in records)
    fails = [r for r in everything if not ok(r)]
    row.update(victim_requests=len(records), victim_failures=len(fails), victim_failure_kinds=sorted({"%s %s" % (r[1], r[3]) for r in fails}),
               p50_ms=percentile(lat, 0.5), p99_ms=percentile(lat, 0.99), max_ms=lat[-1] if lat else float("nan"),
               slowest=sorted(records, key=lambda r: -r[2])[:3],
               probes=len(probes), probe_failures=sum(1 for r in probes if not ok(r)),
               probe_max_ms=max((r[2] for r in probes), default=float("nan")))
    rss = [x[1] for x in during if x[1] is not None]
    fds = [x[2] for x in during if x[2] is not None]
    row.update(peak_rss_kib=max(rss) if rss else None, rss_after_kib=after_rss, peak_fds=max(fds) if fds else None,
               fds_after=after_fds, dpsd_alive=sampler.alive, settle_s=round(t2 - t1, 1), server_log=log_counts)
    try:
        with open(att_out) as f:
            row["attack_result"] = json.load(f).get("result")
    except (OSError, ValueError):
        row["attack_result"] = None if attack == "none" else "the attack process left no result"
    return row, log_offset


CHILDREN = []
BASE_FDS = [0]


def fmt(x, digits=1):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return "%.*f" % (digits, x)


def mib(kib):
    return None if kib is None else kib / 1024.0


MAX_CONNECTIONS = 4096  # dpsd's cap (platform/http/server.hpp): connections beyond it are closed at once


def print_attack(r, rss_before_kib):
    print("-- %s: what the attack got" % r["name"])
    res = r.get("attack_result")
    held = sum(v.get("peak_open_client_side", 0) for v in res.values() if isinstance(v, dict)) if isinstance(res, dict) else 0
    if held and r.get("peak_rss_kib") and rss_before_kib and "counts" not in res:
        per = (r["peak_rss_kib"] - rss_before_kib) / held
        print("   RSS rise per connection held: %.0f KiB (%d held at once; less if free memory left by an earlier phase was"
              " reused); at dpsd's cap of %d connections: ~%.0f MiB" % (per, held, MAX_CONNECTIONS, per * MAX_CONNECTIONS / 1024))
    if isinstance(res, dict) and "counts" in res:
        for k, v in res["counts"].items():
            print("   %-76s %7d" % (k, v))
        for k, v in res.get("timing", {}).items():
            print("   %-76s p50 %s ms, max %s ms" % ("time per exchange, " + k, v["p50_ms"], v["max_ms"]))
        for k in ("request_bytes", "body_bytes"):
            if k in res:
                print("   sizes: " + ", ".join("%s=%d" % kv for kv in res[k].items()))
        for k, v in res.get("messages", {}).items():
            print("   message for %s: %s" % (k, v))
        for k in ("burn_iterations", "body_limit"):
            if k in res:
                print("   %s: %s" % (k, res[k]))
    elif isinstance(res, dict):
        for k, v in res.items():
            print("   %s:" % k)
            print("      " + ", ".join("%s=%s" % (kk, json.dumps(vv)) for kk, vv in v.items()))
    else:
        print("   %s" % res)
    print("   dpsd log: " + ", ".join("%s=%d" % kv for kv in sorted(r["server_log"].items())))
    print("   victim: %d keep-alive requests, %d fresh-connection requests (slowest %s ms); slowest keep-alive: %s"
          % (r["victim_requests"], r["probes"], fmt(r["probe_max_ms"]),
             "; ".join("%s %s ms (%s)" % (x[1], x[2], x[3]) for x in r["slowest"])))
    if r["victim_failures"]:
        print("   VICTIM FAILURES (%d): %s" % (r["victim_failures"], ", ".join(r["victim_failure_kinds"])))


def run_main(args):
    backstop(args.time_limit)
    with open(args.setup) as f:
        setup = json.load(f)

    def stop_children(*_):
        for p in CHILDREN:
            if p.poll() is None:
                p.kill()
        sys.exit(1)

    signal.signal(signal.SIGTERM, stop_children)
    sampler = Sampler(args.pid, args.sample_ms / 1000.0)
    sampler.start()
    time.sleep(0.3)
    start_rss, BASE_FDS[0] = sampler.read(fds=True)
    retain_mib = args.retain_mib
    log_offset = 0
    rows = []
    wanted = set(args.phases.split(",")) if args.phases != "all" else None
    for name, attack, secs_attr, extra in PHASES:
        tag = name.split()[0]
        if wanted is not None and tag not in wanted and tag != "0":
            continue
        print("[limits] phase %s (%ss)..." % (name, getattr(args, secs_attr)), flush=True)
        row, log_offset = run_phase(args, sampler, setup, name, attack, getattr(args, secs_attr), extra, log_offset)
        rows.append(row)
        if "error" in row:
            break
        if tag == "0":
            BASE_FDS[0] = row.get("fds_after") or BASE_FDS[0]
        if sampler.alive:
            heap = heap_in_use(args.pid, args.log)
            row["heap_after_kib"] = heap // 1024 if heap is not None else None
        if not sampler.alive:
            break
    sampler.stopped.set()
    base = rows[0]
    base_p99 = base.get("p99_ms")
    base_rss = base.get("rss_after_kib") or start_rss
    with open(os.path.join(args.out, "limits-result.json"), "w") as f:
        json.dump({"rows": rows, "start_rss_kib": start_rss, "setup": {k: v for k, v in setup.items() if k != "victim"}}, f, indent=1)

    # ---- the table
    print()
    print("== limits report: victim %s (GET /v1/me and GET /v1/dps on one keep-alive connection, and a fresh connection "
          "each second); attacker %s" % (setup["victim"]["tenant"], setup["attacker"]["tenant"]))
    hdr = "%-23s %5s %4s %7s %7s %8s %7s %8s %9s %9s %9s %5s" % (
        "phase", "reqs", "fail", "p50 ms", "p99 ms", "p99/base", "max ms", "new-conn", "peak RSS", "RSS after", "heap", "fds^")
    print(hdr)
    print("-" * len(hdr))
    for r in rows:
        if "error" in r:
            print("%-23s %s" % (r["name"], r["error"]))
            continue
        ratio = r["p99_ms"] / base_p99 if base_p99 and base_p99 == base_p99 else float("nan")
        print("%-23s %5d %4d %7s %7s %8s %7s %8s %8sM %8sM %9s %5s" % (
            r["name"], r["victim_requests"] + r["probes"], r["victim_failures"], fmt(r["p50_ms"], 2), fmt(r["p99_ms"], 2),
            fmt(ratio, 1) + "x", fmt(r["max_ms"]), fmt(r["probe_max_ms"]), fmt(mib(r["peak_rss_kib"])), fmt(mib(r["rss_after_kib"])),
            (fmt(mib(r["heap_after_kib"])) + "M") if r.get("heap_after_kib") is not None else "-", r["peak_fds"] or "-"))
    print("(reqs and fail include the fresh-connection requests; p50/p99/max: keep-alive requests; new-conn: slowest fresh-connection"
          " request, ms; RSS in MiB sampled every %d ms; RSS after: once the attack's connections closed; heap: then, the bytes"
          " malloc has handed out and not had back (glibc malloc_stats via gdb); fds^: dpsd's peak open descriptors)" % args.sample_ms)
    print()
    for prev, r in zip(rows, rows[1:]):
        if "error" not in r:
            print_attack(r, prev.get("rss_after_kib"))
    print()

    problems = []
    if not sampler.alive:
        problems.append("dpsd died (no /proc/%d) during or after phase %s" % (args.pid, rows[-1]["name"]))
    for r in rows:
        if "error" in r:
            problems.append("%s: %s" % (r["name"], r["error"]))
            continue
        if r["victim_failures"]:
            problems.append("%s: %d victim requests failed (%s)" % (r["name"], r["victim_failures"], ", ".join(r["victim_failure_kinds"])))
        elif r["victim_requests"] == 0:
            problems.append("%s: the victim made no requests" % r["name"])
        if r.get("peak_rss_kib") and r["peak_rss_kib"] > args.max_rss_mib * 1024:
            problems.append("%s: peak RSS %.0f MiB, over the bound of %d MiB" % (r["name"], mib(r["peak_rss_kib"]), args.max_rss_mib))
        over_rss = r.get("rss_after_kib") and r["rss_after_kib"] > base_rss + retain_mib * 1024
        heap, base_heap = r.get("heap_after_kib"), base.get("heap_after_kib")
        if over_rss and (heap is None or base_heap is None):
            problems.append("%s: RSS %.0f MiB after the attack, more than %d MiB above the quiet %.0f MiB (memory retained;"
                            " no heap figure to tell glibc's cache from dpsd's own)" % (r["name"], mib(r["rss_after_kib"]),
                                                                                          retain_mib, mib(base_rss)))
        elif over_rss and heap > base_heap + retain_mib * 1024:
            problems.append("%s: RSS %.0f MiB and heap in use %.0f MiB after the attack, more than %d MiB above the quiet"
                            " %.0f / %.0f MiB (memory retained)" % (r["name"], mib(r["rss_after_kib"]), mib(heap), retain_mib,
                                                                   mib(base_rss), mib(base_heap)))
    print("memory rules: peak RSS <= %d MiB in every phase; after each attack, RSS <= the quiet %.1f MiB + %d MiB, or if over,"
          " the heap in use <= the quiet %s MiB + %d MiB (RSS above that is free memory glibc keeps; %s)"
          % (args.max_rss_mib, mib(base_rss), retain_mib, fmt(mib(base.get("heap_after_kib"))), retain_mib,
             "gdb found" if shutil.which("gdb") else "no gdb here: RSS judged alone"))
    if problems:
        print("FAIL: " + problems[0])
        for p in problems[1:]:
            print("      " + p)
        return 1
    print("PASS (latency is reported, not judged)")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["setup", "run", "victim", "attack"])
    ap.add_argument("name", nargs="?", default="none", help="attack: " + ", ".join(ATTACKS))
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--tokens")
    ap.add_argument("--out", default=".")
    ap.add_argument("--setup")
    ap.add_argument("--result")
    ap.add_argument("--token")
    ap.add_argument("--pid", type=int)
    ap.add_argument("--log")
    ap.add_argument("--seconds", type=float, default=8)
    ap.add_argument("--connections", type=int, default=4)
    ap.add_argument("--pause", type=float, default=0.01, help="victim: seconds between its requests")
    ap.add_argument("--probe-every", type=float, default=1.0, help="victim: seconds between fresh-connection requests")
    ap.add_argument("--request-timeout", type=float, default=15.0)
    ap.add_argument("--body-limit", type=int, default=1 << 20)
    # run
    ap.add_argument("--phases", default="all", help="comma-separated phase numbers (0 always runs)")
    ap.add_argument("--baseline-seconds", type=float, default=8)
    ap.add_argument("--phase-seconds", type=float, default=8)
    ap.add_argument("--idle-seconds", type=float, default=11, help="longer than dpsd's 10 s handshake timeout")
    ap.add_argument("--settle-seconds", type=float, default=4)
    ap.add_argument("--slowloris-conns", type=int, default=200)
    ap.add_argument("--idle-conns", type=int, default=2000)
    ap.add_argument("--header-conns", type=int, default=6)
    ap.add_argument("--json-conns", type=int, default=4)
    ap.add_argument("--plugin-conns", type=int, default=8)
    ap.add_argument("--stalled-conns", type=int, default=400)
    ap.add_argument("--victim-pause", type=float, default=0.01)
    ap.add_argument("--sample-ms", type=int, default=100)
    ap.add_argument("--max-rss-mib", type=int, default=1024)
    ap.add_argument("--retain-mib", type=int, default=64)
    ap.add_argument("--time-limit", type=int, default=150)
    args = ap.parse_args()
    if args.command == "setup":
        setup_main(args)
    elif args.command == "victim":
        victim_main(args)
    elif args.command == "attack":
        attack_main(args)
    else:
        sys.exit(run_main(args))


if __name__ == "__main__":
    main()
