#!/usr/bin/env python3
"""agora's load benchmark: a seeded community, the release binary pinned to one core, wrk
pinned to the other, one scenario at a time, and a table of the figures.

    python3 bench/load.py                      # SQLite, 1,000,000 posts, 10 s per scenario
    python3 bench/load.py --backend postgres   # the same on PostgreSQL
    python3 bench/load.py --posts 20000 --secs 2   # a quick run (CI)

Every scenario is compared with R, the same server's trivial /health endpoint measured in the
same run. Results are printed and written as JSON to bench/results/. See docs/performance.md.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import serving
from serving import log

ROOT = Path(__file__).resolve().parent.parent
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
BIN = TARGET / "release" / "agora"  # --debug: the debug build (CI only proves the run works)
SERVER_CORE, CLIENT_CORE = "0", "1"


def run(cmd, **kw):
    log("$ " + " ".join(str(c) for c in cmd))
    return subprocess.run(cmd, check=True, **kw)


def ensure_wrk():
    if shutil.which("wrk"):
        return
    log("installing wrk (Debian's package)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env,
                   stdout=subprocess.DEVNULL)


def http(method, url, body=None, headers=None):
    data = body.encode() if isinstance(body, str) else body
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def rss_kib(pid, field):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


class Server:
    """The release binary on the seeded database, pinned to one core."""

    def __init__(self, args, data_dir, db_url):
        self.port = serving.free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        cmd = ["taskset", "-c", SERVER_CORE, str(BIN), "--data-dir", str(data_dir)]
        if db_url:
            cmd += ["--database-url", db_url]
        cmd += ["serve", "--listen", f"127.0.0.1:{self.port}"]
        self.metrics = f"http://127.0.0.1:{serving.free_port()}"
        env = {"AGORA_LOG": "warn", "AGORA_POSTS_PER_MINUTE": "100000000",
               "AGORA_METRICS_LISTEN": self.metrics.removeprefix("http://")}
        self.proc, self.start_seconds = serving.start(cmd, self.base, Path(data_dir) / "serve.log", env)

    def stop(self):
        """SIGTERM, as a service manager stops it; returns the seconds it took to exit."""
        return serving.stop(self.proc)


LUA_COMMON = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d seconds=%.3f errors=%d status_errors=%d p50=%d p95=%d p99=%d\n",
    summary.requests, summary.duration / 1e6, e.connect + e.read + e.write + e.timeout + e.status, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def lua_paths(paths, headers=None, delay_ms=0):
    items = ",".join(json.dumps(p) for p in paths)
    hdr = "".join(f'wrk.headers[{json.dumps(k)}] = {json.dumps(v)}\n' for k, v in (headers or {}).items())
    delay = f"delay = function() return {delay_ms} end\n" if delay_ms else ""
    return f"""
local paths = {{{items}}}
local i = 0
math.randomseed(os.time() + math.floor(os.clock() * 1e6))
{hdr}{delay}
request = function()
  i = i + 1
  return wrk.format("GET", paths[math.random(#paths)])
end
""" + LUA_COMMON


def lua_replies(topics, cookie, csrf):
    items = ",".join(str(t) for t in topics)
    return f"""
local topics = {{{items}}}
local n = 0
math.randomseed(os.time() + math.floor(os.clock() * 1e6))
local words = {{"battery", "range", "winter", "charger", "trail", "commute", "motor", "hill", "rain", "tyres"}}
wrk.method = "POST"
wrk.headers["Cookie"] = "agora_session={cookie}"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Sec-Fetch-Site"] = "same-origin"
request = function()
  n = n + 1
  local t = topics[math.random(#topics)]
  local body = "csrf={csrf}&body=Benchmark+reply+" .. n .. "+" .. math.random(1, 1e9) .. "+about+" ..
    words[math.random(#words)] .. "+and+" .. words[math.random(#words)]
  return wrk.format("POST", "/t/" .. t .. "/reply", nil, body)
end
""" + LUA_COMMON


SERVER_PID = None  # agora's process, once started: its memory is read after each scenario


WARMUP_SECS = 3  # each scenario first runs this long unmeasured (see --warmup)


def wrk(base, script, secs, conns, warmup=True):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
        path = f.name
    if WARMUP_SECS and warmup:
        # The kernel drops file pages agora has not touched lately (this machine runs proactive
        # reclaim), so the first seconds of a scenario read the database from disk; they are
        # not what the scenario measures.
        subprocess.run(["taskset", "-c", CLIENT_CORE, "wrk", "-t1", f"-c{conns}", f"-d{WARMUP_SECS}s",
                        "-s", path, base], capture_output=True, text=True, check=True)
    cmd = ["taskset", "-c", CLIENT_CORE, "wrk", "-t1", f"-c{conns}", f"-d{secs}s", "-s", path, base]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    os.unlink(path)
    m = re.search(r"RESULT requests=(\d+) seconds=([\d.]+) errors=(\d+) status_errors=(\d+) "
                  r"p50=(\d+) p95=(\d+) p99=(\d+)", out)
    if not m:
        raise SystemExit(f"could not read wrk's output:\n{out}")
    req, sec, err, st, p50, p95, p99 = m.groups()
    return {"rps": int(req) / float(sec), "requests": int(req), "errors": int(err),
            "status_errors": int(st), "p50_ms": int(p50) / 1000, "p95_ms": int(p95) / 1000,
            "p99_ms": int(p99) / 1000, "conns": conns,
            "rss_mib": rss_kib(SERVER_PID, "VmRSS") / 1024 if SERVER_PID else None}


def seed(args, data_dir, db_url):
    manifest = data_dir / "bench-manifest.json"
    if manifest.exists() and not args.reseed:
        return json.loads(manifest.read_text()), None
    if args.reseed and data_dir.exists() and args.backend == "sqlite":
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    if db_url:
        admin = args.pg_url
        dbname = db_url.rsplit("/", 1)[1]
        run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {dbname}"])
        run(["psql", admin, "-qc", f"CREATE DATABASE {dbname}"])
    cmd = [str(BIN), "--data-dir", str(data_dir)]
    if db_url:
        cmd += ["--database-url", db_url]
    cmd += ["bench", "seed", "--posts", str(args.posts), "--manifest", str(manifest)]
    t0 = time.monotonic()
    out = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "AGORA_LOG": "warn"})
    if out.returncode != 0:
        raise SystemExit(f"seeding failed:\n{out.stdout}\n{out.stderr}")
    log(out.stdout.strip())
    return json.loads(manifest.read_text()), {"seconds": time.monotonic() - t0, "output": out.stdout.strip()}


def warm_files(args, data_dir, db_url):
    """Reads the database once into the kernel's file cache, as on a server that has been
    running: this machine's proactive reclaim drops files left unread for a while, and a
    run on a cold 1.9 GB file measures the disk, not agora (see docs/performance.md)."""
    t0 = time.monotonic()
    if db_url:
        tables = ["posts", "topics", "members", "groups", "group_members", "post_search", "sessions"]
        sql = "CREATE EXTENSION IF NOT EXISTS pg_prewarm; " + " ".join(
            f"SELECT pg_prewarm(c.oid, 'read') FROM pg_class c WHERE c.relname = '{t}' "
            f"OR c.oid IN (SELECT indexrelid FROM pg_index i JOIN pg_class r ON r.oid = i.indrelid "
            f"WHERE r.relname = '{t}');" for t in tables)
        out = subprocess.run(["psql", db_url, "-qAtc", sql], capture_output=True, text=True)
        if out.returncode != 0:
            log(f"could not prewarm PostgreSQL (figures may start cold): {out.stderr.strip()}")
            return
    else:
        for f in Path(data_dir).glob("agora.db*"):
            with open(f, "rb") as fh:
                while fh.read(1 << 20):
                    pass
    log(f"read the database into the file cache in {time.monotonic() - t0:.1f} s")


def private_messages(base, token):
    """The member's conversations for S6: 40 in the inbox, the latest with 50 messages; made
    once through the API and found again on later runs of the same data."""
    auth = {"Authorization": f"Bearer {token}", "content-type": "application/json"}
    s, body = http("GET", base + "/api/v1/conversations", headers=auth)
    if s == 404:
        return None  # a build from before private messages: no S6 rows
    assert s == 200, body
    listed = json.loads(body)["conversations"]
    if len(listed) < 30:
        for n in range(40):
            to = ["bench_admin"] if n % 2 else ["bench_mod"]
            s, body = http("POST", base + "/api/v1/conversations", json.dumps(
                {"to": to, "subject": f"Question number {n} about my order",
                 "body": f"Hello, this is about order {n}. Could you have a look?"}), auth)
            assert s == 201, body
            last = json.loads(body)["id"]
        for n in range(49):
            s, body = http("POST", f"{base}/api/v1/conversations/{last}/messages", json.dumps(
                {"body": f"One more detail, number {n}: the **parcel** arrived *late*."}), auth)
            assert s == 201, body
        return last
    return listed[0]["id"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--posts", type=int, default=1_000_000)
    ap.add_argument("--secs", type=int, default=10, help="seconds per scenario")
    ap.add_argument("--conns", type=int, default=16, help="connections for the peak runs")
    ap.add_argument("--data", help="where the seeded data lives (kept for later runs)")
    ap.add_argument("--pg-url", default=os.environ.get("AGORA_TEST_POSTGRES_URL",
                                                        "postgres://postgres@127.0.0.1:5432/postgres"))
    ap.add_argument("--pg-db", help="the PostgreSQL database's name (default agora_bench_<posts>; "
                                    "give each build its own to compare them)")
    ap.add_argument("--reseed", action="store_true", help="seed again even if data exists")
    ap.add_argument("--warmup", type=int, default=3, help="unmeasured seconds before each scenario")
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--debug", action="store_true", help="use the debug build (figures mean nothing)")
    ap.add_argument("--bin", help="run this agora binary instead (to compare builds)")
    ap.add_argument("--only", metavar="REGEX",
                    help="run only the scenarios whose names match (S0, R, always runs); "
                         "the results go to a -partial file")
    args = ap.parse_args()
    global BIN, WARMUP_SECS
    WARMUP_SECS = args.warmup
    only = re.compile(args.only) if args.only else None

    def want(name):
        return only is None or name.startswith("S0 ") or only.search(name) is not None

    if args.debug:
        BIN = TARGET / "debug" / "agora"
    if args.bin:
        BIN = Path(args.bin)
        args.no_build = True

    ensure_wrk()
    if not args.no_build:
        run(["cargo", "build", "-q", "-p", "agora"] + ([] if args.debug else ["--release"]), cwd=ROOT)
    build = "debug" if args.debug else "release"
    cache = Path(args.data or Path.home() / ".cache" / "agora-bench" / f"{args.backend}-{args.posts}-{build}")
    db_url = None
    if args.backend == "postgres":
        base = args.pg_url.rsplit("/", 1)[0]
        db_url = f"{base}/{args.pg_db or f'agora_bench_{args.posts}'}"
    manifest, seeded = seed(args, cache, db_url)

    results = {"backend": args.backend, "posts": args.posts, "secs": args.secs,
               "machine": f"{os.cpu_count()} cores", "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
               "seed": seeded, "scenarios": {}}
    warm_files(args, cache, db_url)
    server = Server(args, cache, db_url)
    global SERVER_PID
    SERVER_PID = server.proc.pid
    results["start_to_first_request_s"] = server.start_seconds
    time.sleep(1)
    results["rss_idle_mib"] = rss_kib(server.proc.pid, "VmRSS") / 1024
    base = server.base
    try:
        scen = results["scenarios"]
        s, body = http("POST", base + "/api/v1/auth/login", json.dumps(
            {"login": manifest["member"], "password": manifest["password"]}), {"content-type": "application/json"})
        assert s == 200, body
        token = json.loads(body)["token"]
        cookie = {"Cookie": f"agora_session={token}"}
        topic_paths = ["/t/" + p for p in manifest["topics_50"]]
        api_paths = [f"/api/v1/topics/{p.split('/')[0]}?limit=50" for p in manifest["topics_50"]]
        # The cursor of the big group's page 1,000 (30 topics a page), walked through the API.
        cursor, pages = None, 1
        while pages < 1000:
            q = "/api/v1/groups/general/topics?limit=30" + (f"&cursor={urllib.parse.quote(cursor)}" if cursor else "")
            s, body = http("GET", base + q)
            nxt = json.loads(body).get("next_cursor")
            if not nxt:
                break
            cursor, pages = nxt, pages + 1
        deep = f"/g/general?cursor={urllib.parse.quote(cursor)}" if cursor else "/g/general"
        results["deep_page"] = pages
        conversation = private_messages(base, token)
        bearer = {"Authorization": f"Bearer {token}"}
        c = args.conns
        plan = [
            ("S0 /health (R)", lua_paths(["/health"]), {}),
            ("S1 topic page, HTML", lua_paths(topic_paths), {}),
            ("S1 topic, JSON (50 posts)", lua_paths(api_paths), {}),
            ("S2 group page 1", lua_paths(["/g/general"]), {}),
            (f"S2 group page {pages}", lua_paths([deep]), {}),
            ("S5 landing page, guest", lua_paths(["/"]), {}),
            # Guests are served public pages from the guest cache (a few seconds old at most);
            # a signed-in member never is, so these rows are the pages rendered every time.
            ("S1 topic page, HTML, member", lua_paths(topic_paths, headers=cookie), {}),
            ("S1 topic, JSON, member", lua_paths(api_paths, headers=cookie), {}),
            ("S2 group page 1, member", lua_paths(["/g/general"], headers=cookie), {}),
            (f"S2 group page {pages}, member", lua_paths([deep], headers=cookie), {}),
            ("S5 landing page, member", lua_paths(["/"], headers=cookie), {}),
        ]
        if conversation is not None:
            # Private messages: the member's inbox (40 conversations) and one conversation of
            # 50 messages, as pages and as JSON; never cached, always rendered per member.
            plan += [
                ("S6 inbox, member", lua_paths(["/messages"], headers=cookie), {}),
                ("S6 inbox, JSON, member", lua_paths(["/api/v1/conversations"], headers=bearer), {}),
                ("S6 conversation page, member",
                 lua_paths([f"/messages/{conversation}"], headers=cookie), {}),
                ("S6 conversation, JSON, member",
                 lua_paths([f"/api/v1/conversations/{conversation}"], headers=bearer), {}),
            ]
        for name, script, _ in plan:
            if not want(name):
                continue
            log(f"running {name}")
            scen[name] = wrk(base, script, args.secs, c)
        # S1 at about 70% of its peak: many connections, each pausing between requests.
        # As the member: the pages rendered every time, not the guest cache.
        peak = scen.get("S1 topic page, HTML, member", {}).get("rps")
        conns70 = 32
        # Each connection waits `delay` after every answer; at 70% load an answer takes about
        # the server's own time per request (its latency at the peak is mostly queueing).
        delay = max(1, int(conns70 / (0.7 * peak) * 1000 - 1000 / peak)) if peak else 0
        if peak and want("S1 topic page, member, ~70% load"):
            log(f"running S1 at ~70% of peak (delay {delay} ms on {conns70} connections)")
            r = wrk(base, lua_paths(topic_paths, headers=cookie, delay_ms=delay), args.secs, conns70)
            r["share_of_peak"] = r["rps"] / peak
            scen["S1 topic page, member, ~70% load"] = r  # the member's pages
        # S4: search as a member of secret groups, by term class.
        classes = {
            "rare": manifest["rare_terms"],
            "mid": manifest["mid_terms"],
            "common": manifest["common_terms"],
            "2-3 words": [" ".join(manifest["common_terms"][:2]),
                          manifest["common_terms"][0] + " " + manifest["mid_terms"][0],
                          " ".join(manifest["common_terms"][:3]),
                          manifest["mid_terms"][0] + " " + manifest["rare_terms"][0]],
        }
        # Latency is measured one request at a time (the target is a single search's time);
        # throughput at the peak's connections.
        for cls, terms in classes.items():
            paths = ["/search?q=" + urllib.parse.quote_plus(t) for t in terms]
            if not want(f"S4 search, {cls} terms"):
                continue
            log(f"running S4 search, {cls}")
            scen[f"S4 search, {cls} terms"] = wrk(base, lua_paths(paths, headers=cookie), args.secs, 1)
        paths = ["/search?q=" + urllib.parse.quote_plus(t) for ts in classes.values() for t in ts]
        if want("S4 search, all classes, peak"):
            scen["S4 search, all classes, peak"] = wrk(base, lua_paths(paths, headers=cookie), args.secs, c)
        if want("S3 reply (durable)"):
            # S3: replies through the page form, signed in, with the session's CSRF token.
            s, page = http("GET", base + "/t/" + manifest["topics_50"][0], headers=cookie)
            csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
            def counted():
                total = 0
                for t in manifest["reply_topics"][:200]:
                    s, body = http("GET", f"{base}/api/v1/topics/{t}?limit=1")
                    total += json.loads(body)["reply_count"]
                return total
            before = counted()
            writes_before = writer_totals(server.metrics)
            log("running S3 replies")
            # The outbox's consumers under the load: how far behind each falls (sampled from
            # /metrics four times a second), and how long after the load each has caught up.
            lag = OutboxLag(server.metrics)
            lag.start()
            # No warm-up: every reply sent must be counted as acknowledged or not.
            r = wrk(base, lua_replies(manifest["reply_topics"][:200], token, csrf), args.secs, c, warmup=False)
            r["outbox"] = lag.finish()
            after = counted()
            acknowledged = r["requests"] - r["errors"]
            r["acknowledged"] = acknowledged
            r["stored"] = after - before
            r["lost"] = max(0, acknowledged - (after - before))
            # What the database's writer did for them (every write of the process, the event
            # worker's included): transactions and commits per reply, and a commit's time.
            writes = {k: v - writes_before.get(k, 0) for k, v in writer_totals(server.metrics).items()}
            if acknowledged and writes.get("commits"):
                r["writer"] = {
                    "transactions_per_reply": writes["transactions"] / acknowledged,
                    "commits_per_reply": writes["commits"] / acknowledged,
                    "commit_ms": 1000 * writes["commit_seconds"] / writes["commits"],
                }
            scen["S3 reply (durable)"] = r
        results["rss_peak_mib"] = rss_kib(server.proc.pid, "VmHWM") / 1024
    finally:
        results["stop_s"] = server.stop()

    R = results["scenarios"]["S0 /health (R)"]["rps"]
    for v in results["scenarios"].values():
        v["ratio"] = v["rps"] / R
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(exist_ok=True)
    out = out_dir / f"{args.backend}-{args.posts}{'-debug' if args.debug else ''}{'-partial' if only else ''}.json"
    out.write_text(json.dumps(results, indent=2))
    print_table(results)
    log(f"written {out}")


class OutboxLag(threading.Thread):
    """Samples each outbox consumer's backlog (`agora_outbox_behind_events`) and the age of its
    oldest unhandled event (`agora_outbox_lag_seconds`) from `/metrics` until told to stop,
    keeping the largest; then waits for every consumer to have caught up."""

    def __init__(self, metrics):
        super().__init__(daemon=True)
        self.metrics = metrics
        self.stop = threading.Event()
        self.peak = {}

    def sample(self):
        try:
            _, text = http("GET", self.metrics + "/metrics")
        except OSError:
            return {}
        now = {}
        for line in text.splitlines():
            m = re.match(r'agora_outbox_(behind_events|lag_seconds)\{consumer="([^"]+)"\} (\S+)', line)
            if m:
                now.setdefault(m.group(2), {})[m.group(1)] = float(m.group(3))
        return now

    def run(self):
        while not self.stop.is_set():
            for consumer, v in self.sample().items():
                p = self.peak.setdefault(consumer, {"behind_events": 0, "lag_seconds": 0})
                for k in p:
                    p[k] = max(p[k], v.get(k, 0))
            time.sleep(0.25)

    def finish(self):
        self.stop.set()
        self.join()
        ended = time.monotonic()
        caught_up = None
        while time.monotonic() - ended < 30:
            now = self.sample()
            if now and all(v.get("behind_events", 0) == 0 for v in now.values()):
                caught_up = time.monotonic() - ended
                break
            time.sleep(0.05)
        return {"peak": self.peak, "caught_up_s": caught_up}


def writer_totals(metrics):
    """The SQLite writer's totals so far from `/metrics`: transactions, commits (batches) and
    the seconds spent committing; empty on PostgreSQL (no such writer)."""
    try:
        _, text = http("GET", metrics + "/metrics")
    except OSError:
        return {}
    names = {"agora_sqlite_batch_transactions_sum": "transactions",
             "agora_sqlite_batch_transactions_count": "commits",
             "agora_sqlite_commit_seconds_sum": "commit_seconds"}
    totals = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] in names:
            totals[names[parts[0]]] = float(parts[1])
    return totals


def print_table(res):
    print(f"\nagora load benchmark: {res['backend']}, {res['posts']:,} posts, {res['machine']}, "
          f"server on core {SERVER_CORE}, wrk on core {CLIENT_CORE}, {res['secs']} s a scenario, {res['date']}")
    print(f"{'scenario':36} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7} {'× R':>7} {'RSS MiB':>8}")
    for name, v in res["scenarios"].items():
        print(f"{name:36} {v['rps']:9.0f} {v['p50_ms']:8.2f} {v['p95_ms']:8.2f} {v['p99_ms']:8.2f} "
              f"{v['errors']:7d} {v['ratio']:7.3f} {v.get('rss_mib') or 0:8.1f}")
    s3 = res["scenarios"].get("S3 reply (durable)", {})
    print(f"S3: {s3.get('acknowledged')} replies acknowledged, {s3.get('stored')} stored, {s3.get('lost')} lost")
    if s3.get("outbox"):
        o = s3["outbox"]
        peaks = ", ".join(f"{name} at most {v['behind_events']:.0f} events and {v['lag_seconds']:.2f} s behind"
                          for name, v in sorted(o["peak"].items()))
        caught = "not within 30 s" if o["caught_up_s"] is None else f"{o['caught_up_s']:.2f} s after the load"
        print(f"S3 outbox: {peaks or 'no consumer seen'}; every consumer caught up {caught}")
    if s3.get("writer"):
        w = s3["writer"]
        print(f"S3 writer: {w['transactions_per_reply']:.2f} transactions and {w['commits_per_reply']:.2f} "
              f"commits a reply, {w['commit_ms']:.2f} ms a commit")
    a70 = res["scenarios"].get("S1 topic page, member, ~70% load", {})
    if a70:
        print(f"S1 at {a70['share_of_peak'] * 100:.0f}% of its peak: p99 {a70['p99_ms']:.2f} ms")
    print(f"start to first request: {res['start_to_first_request_s']:.3f} s; resident memory idle "
          f"{res['rss_idle_mib']:.1f} MiB, peak under load {res['rss_peak_mib']:.1f} MiB; "
          f"stopped {res.get('stop_s', 0):.2f} s after SIGTERM")


if __name__ == "__main__":
    main()
