#!/usr/bin/env python3
"""agora's soak benchmark: bursts of writes and reads whose clients hang up, kills and
restarts, and a check that every acknowledged write is still there and whole.

    python3 bench/soak.py                          # SQLite, 60 rounds, release build
    python3 bench/soak.py --backend postgres       # the same on PostgreSQL
    python3 bench/soak.py --rounds 12 --debug --no-build   # CI's short version

Each round is a burst of --burst seconds from --conns clients at once, each sending, back to
back: replies (admin, a member and a newcomer whose posts the daily limit refuses), new
topics, sign-ins, and members' topic pages (which record reading, so they write too). Some
clients hang up in the middle of a request; at the end of the burst every client hangs up
with its request in flight, as wrk does. Every --kill-every rounds the server is killed with
SIGKILL as its burst ends, and started again. At the end it is killed once more, started, and
every write that was answered 2xx is looked up in the database: present and whole.

Prints one line per round and a summary; exits 1 if any answer was 5xx, a round accepted no
write, /ready failed after a round, or an acknowledged write is missing or altered. The
figures are printed, never asserted in the test suite (see docs/performance.md).
"""

import argparse
import asyncio
import hashlib
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

import serving
from serving import log

ROOT = Path(__file__).resolve().parent.parent
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))


def http(base, method, path, body=None, token=None):
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


class Server:
    """agora serving the soak's database; killed with SIGKILL, started again."""

    def __init__(self, binary, data_dir, db_url, port):
        self.cmd = [str(binary), "--data-dir", str(data_dir)]
        if db_url:
            self.cmd += ["--database-url", db_url]
        self.cmd += ["serve", "--listen", f"127.0.0.1:{port}"]
        self.base = f"http://127.0.0.1:{port}"
        self.log_path = Path(data_dir) / "serve.log"
        self.proc = None
        self.starts = []

    def start(self):
        env = {"AGORA_LOG": "warn", "AGORA_POSTS_PER_MINUTE": "100000000"}
        self.proc, seconds = serving.start(self.cmd, self.base, self.log_path, env)
        self.starts.append(seconds)

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        serving.stop(self.proc)

    def ready(self):
        try:
            with urllib.request.urlopen(self.base + "/ready", timeout=10) as r:
                return r.status, r.read().decode().strip()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode().strip()
        except OSError as e:
            return 0, str(e)


class Database:
    """Read-only SQL on the soak's database, for the final check."""

    def __init__(self, data_dir, db_url):
        self.db_url = db_url
        self.path = Path(data_dir) / "agora.db"

    def rows(self, sql):
        if self.db_url:
            out = subprocess.run(["psql", self.db_url, "-AtF", "\t", "-c", sql],
                                 capture_output=True, text=True, check=True)
            return [tuple(line.split("\t")) for line in out.stdout.splitlines() if line]
        with sqlite3.connect(f"file:{self.path}?mode=ro", uri=True) as c:
            return [tuple(str(v) for v in row) for row in c.execute(sql)]


# --- The clients ---------------------------------------------------------------------------

class Stats:
    def __init__(self):
        self.by_class = {"2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0}
        self.writes_ok = 0
        self.codes = {}
        self.hung_up = 0
        self.conn_errors = 0
        self.server_errors = []


class Acks:
    """Every write the server acknowledged: what must be found at the end."""

    def __init__(self):
        self.replies = {}   # post id -> body
        self.topics = {}    # topic id -> (title, body)
        self.sessions = []  # tokens


def request(method, path, body=None, token=None, cookie=None):
    data = json.dumps(body).encode() if body is not None else b""
    head = [f"{method} {path} HTTP/1.1", "Host: soak.test", "Connection: keep-alive"]
    if token:
        head.append(f"Authorization: Bearer {token}")
    if cookie:
        head.append(f"Cookie: agora_session={cookie}")
    if body is not None:
        head.append("Content-Type: application/json")
    head.append(f"Content-Length: {len(data)}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + data


async def read_response(reader):
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("closed")
    status = int(status_line.split()[1])
    length, chunked = 0, False
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value.strip())
        elif name == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    if chunked:
        body = b""
        while True:
            size = int((await reader.readline()).strip(), 16)
            if size == 0:
                await reader.readline()
                break
            body += await reader.readexactly(size)
            await reader.readline()
        return status, body
    return status, await reader.readexactly(length)


class Plan:
    """What the clients send: each call picks one operation and says how to record its answer."""

    def __init__(self, setup, rnd):
        self.s = setup
        self.rnd = rnd
        self.n = 0

    def pick(self, round_no):
        self.n += 1
        tag = f"soak r{round_no} n{self.n} {self.rnd.getrandbits(32):08x}"
        s, r = self.s, self.rnd.random()
        if r < 0.35:
            token = self.rnd.choice([s["admin"], s["member"], s["member"], s["newcomer"]])
            topic = self.rnd.choice(s["reply_topics"])
            body = f"Reply {tag}: the ride home took the long way round."
            return request("POST", f"/api/v1/topics/{topic}/posts", {"body": body}, token), ("reply", body)
        if r < 0.45:
            title = f"Topic {tag}"
            body = f"Opening post of {tag}."
            token = self.rnd.choice([s["admin"], s["member"]])
            return (request("POST", f"/api/v1/groups/{s['group']}/topics", {"title": title, "body": body}, token),
                    ("topic", (title, body)))
        if r < 0.50:
            login = self.rnd.choice([s["admin_name"], s["member_name"]])
            return (request("POST", "/api/v1/auth/login", {"login": login, "password": s["password"]}),
                    ("login", None))
        page = self.rnd.choice(s["pages"])
        cookie = self.rnd.choice([s["member"], s["reader"], s["newcomer"]])
        return request("GET", f"/t/{page}", cookie=cookie), ("read", None)


async def client(base_port, plan, round_no, stats, acks, hang_up_share, args_hang_up_wait, rnd):
    """Sends requests back to back until cancelled (the end of the burst)."""
    reader = writer = None
    try:
        while True:
            if writer is None:
                try:
                    reader, writer = await asyncio.open_connection("127.0.0.1", base_port)
                except OSError:
                    stats.conn_errors += 1
                    await asyncio.sleep(0.05)
                    continue
            req, (kind, what) = plan.pick(round_no)
            writer.write(req)
            if rnd.random() < hang_up_share:
                # Hang up with the request in flight, at a random moment while it is served.
                await asyncio.sleep(rnd.random() * args_hang_up_wait)
                writer.transport.abort()
                reader = writer = None
                stats.hung_up += 1
                continue
            try:
                status, body = await read_response(reader)
            except (ConnectionError, asyncio.IncompleteReadError, ValueError, IndexError):
                stats.conn_errors += 1
                writer.transport.abort()
                reader = writer = None
                continue
            cls = f"{status // 100}xx"
            stats.by_class[cls] = stats.by_class.get(cls, 0) + 1
            stats.codes[status] = stats.codes.get(status, 0) + 1
            if status >= 500:
                stats.server_errors.append((kind, status, body[:200].decode("utf-8", "replace")))
            if 200 <= status < 300 and kind in ("reply", "topic", "login"):
                stats.writes_ok += kind != "login"
                doc = json.loads(body)
                if kind == "reply":
                    acks.replies[doc["id"]] = what
                elif kind == "topic":
                    acks.topics[doc["id"]] = what
                else:
                    acks.sessions.append(doc["token"])
    finally:
        if writer is not None:
            writer.transport.abort()


async def burst(port, plan, round_no, args, acks, rnd, on_end=None):
    stats = Stats()
    tasks = [asyncio.create_task(client(port, plan, round_no, stats, acks, args.hang_up_share,
                                              args.hang_up_wait, rnd))
             for _ in range(args.conns)]
    await asyncio.sleep(args.burst)
    if on_end:
        on_end()  # the kill, as the burst ends with requests in flight
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return stats


# --- Arranging the community -------------------------------------------------------------

def newest_mail_token(data_dir, to, path):
    outbox = Path(data_dir) / "mail" / "outbox"
    mails = sorted(outbox.glob("*.eml"), key=lambda p: p.stat().st_mtime)
    for m in reversed(mails):
        text = m.read_text(errors="replace").replace("=\r\n", "").replace("=3D", "=")
        if f"To: {to}" in text or f"<{to}>" in text:
            found = re.search(re.escape(path) + r"([A-Za-z0-9_-]+)", text)
            if found:
                return found.group(1)
    raise SystemExit(f"no mail with {path} to {to} in {outbox}")


def arrange(binary, data_dir, db_url, server):
    """Seeds a small community and signs in the accounts the clients use."""
    manifest_path = Path(data_dir) / "manifest.json"
    cmd = [str(binary), "--data-dir", str(data_dir)]
    if db_url:
        cmd += ["--database-url", db_url]
    out = subprocess.run(cmd + ["bench", "seed", "--posts", "5000", "--manifest", str(manifest_path)],
                         capture_output=True, text=True, env={**os.environ, "AGORA_LOG": "warn"})
    if out.returncode != 0:
        raise SystemExit(f"seeding failed:\n{out.stdout}\n{out.stderr}")
    manifest = json.loads(manifest_path.read_text())
    server.start()
    base = server.base

    def login(name):
        st, body = http(base, "POST", "/api/v1/auth/login", {"login": name, "password": manifest["password"]})
        if st != 200:
            raise SystemExit(f"signing in {name}: {st} {body}")
        return json.loads(body)["token"]

    admin, member = login(manifest["admin"]), login(manifest["member"])
    # A reader who never posts, and a newcomer (trust level 0) whose posts the daily limit
    # soon refuses with 429: refusals write rate counters too.
    reader = login("bench_mod")
    st, body = http(base, "POST", "/api/v1/auth/register",
                    {"username": "soaknewcomer", "email": "soak.newcomer@example.com",
                     "password": "soak-newcomer-password-2026", "accept_documents": True})
    if st != 201:
        raise SystemExit(f"registering the newcomer: {st} {body}")
    newcomer = json.loads(body)["token"]
    link = newest_mail_token(data_dir, "soak.newcomer@example.com", "/verify/")
    st, body = http(base, "POST", "/api/v1/auth/verify", {"token": link})
    if st != 200:
        raise SystemExit(f"verifying the newcomer: {st} {body}")
    group = manifest["big_group"]
    for token in (member, newcomer):
        http(base, "POST", f"/api/v1/groups/{group}/join", {}, token)
    pages = manifest["topics_50"] or [str(t) for t in manifest["reply_topics"][:20]]
    return {
        "admin": admin, "member": member, "reader": reader, "newcomer": newcomer,
        "admin_name": manifest["admin"], "member_name": manifest["member"],
        "password": manifest["password"], "group": group,
        "reply_topics": manifest["reply_topics"][:50], "pages": pages[:50],
    }


# --- The final check ---------------------------------------------------------------------

def verify(db, acks):
    """Every acknowledged write, looked up: returns a list of what is missing or wrong."""
    problems = []
    posts = {int(i): body for i, body in db.rows(
        "SELECT id, body_markdown FROM posts WHERE body_markdown LIKE 'Reply soak %'")}
    for pid, body in acks.replies.items():
        if pid not in posts:
            problems.append(f"reply {pid} is missing")
        elif posts[pid] != body:
            problems.append(f"reply {pid} was altered: {posts[pid]!r}")
    topics = {int(i): (t, b) for i, t, b in db.rows(
        "SELECT t.id, t.title, p.body_markdown FROM topics t JOIN posts p ON p.topic_id = t.id "
        "AND p.number = 1 WHERE t.title LIKE 'Topic soak %'")}
    for tid, what in acks.topics.items():
        if tid not in topics:
            problems.append(f"topic {tid} is missing (or its opening post is)")
        elif topics[tid] != what:
            problems.append(f"topic {tid} was altered: {topics[tid]!r}")
    hashes = {hashlib.sha256(t.encode()).hexdigest() for t in acks.sessions}
    stored = {h for (h,) in db.rows("SELECT token_hash FROM sessions")}
    missing = hashes - stored
    if missing:
        problems.append(f"{len(missing)} acknowledged sign-ins have no session")
    # Nothing half-written among what the soak touched: counters agree with the posts, and
    # every soak post is in the search index.
    search_key = "post_id" if db.db_url else "rowid"
    for (n,) in db.rows(
            "SELECT COUNT(*) FROM topics t WHERE t.post_count <> "
            "(SELECT COUNT(*) FROM posts p WHERE p.topic_id = t.id) AND t.id IN "
            "(SELECT topic_id FROM posts WHERE body_markdown LIKE 'Reply soak %' "
            "OR body_markdown LIKE 'Opening post of soak %')"):
        if int(n):
            problems.append(f"{n} topics' post counts disagree with their posts")
    for (n,) in db.rows(
            f"SELECT COUNT(*) FROM posts WHERE (body_markdown LIKE 'Reply soak %' OR "
            f"body_markdown LIKE 'Opening post of soak %') AND id NOT IN (SELECT {search_key} FROM post_search)"):
        if int(n):
            problems.append(f"{n} posts are missing from the search index")
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--pg-url", default=os.environ.get("AGORA_TEST_POSTGRES_URL",
                                                       "postgres://postgres@127.0.0.1:5432/postgres"))
    ap.add_argument("--rounds", type=int, default=60)
    ap.add_argument("--burst", type=float, default=1.0, help="seconds per burst")
    ap.add_argument("--conns", type=int, default=16)
    ap.add_argument("--kill-every", type=int, default=10)
    ap.add_argument("--hang-up-share", type=float, default=0.25,
                    help="share of requests whose client hangs up before the answer")
    ap.add_argument("--hang-up-wait", type=float, default=0.03,
                    help="such a client hangs up after a random wait of up to this many seconds")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--debug", action="store_true", help="the debug build (CI)")
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--json", help="also write the figures to this file")
    args = ap.parse_args()

    profile = "debug" if args.debug else "release"
    binary = TARGET / profile / "agora"
    if not args.no_build:
        cmd = ["cargo", "build", "--locked", "-p", "agora"] + ([] if args.debug else ["--release"])
        subprocess.run(cmd, check=True, cwd=ROOT)
    rnd = random.Random(args.seed)
    data_dir = Path(tempfile.mkdtemp(prefix="agora-soak-"))
    db_url = None
    if args.backend == "postgres":
        name = f"agora_soak_{os.getpid()}"
        subprocess.run(["psql", args.pg_url, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True)
        subprocess.run(["psql", args.pg_url, "-qc", f"CREATE DATABASE {name}"], check=True)
        db_url = args.pg_url.rsplit("/", 1)[0] + "/" + name
    port = serving.free_port()
    server = Server(binary, data_dir, db_url, port)
    log(f"soak: {args.backend}, {args.rounds} rounds of {args.burst} s, {args.conns} clients, "
        f"kill -9 every {args.kill_every} rounds; data in {data_dir}")
    setup = arrange(binary, data_dir, db_url, server)
    plan = Plan(setup, rnd)
    acks = Acks()
    rounds, failures = [], []
    print(f"{'round':>5} {'2xx':>6} {'writes':>6} {'4xx':>5} {'429':>5} {'5xx':>4} "
          f"{'hung up':>7} {'conn err':>8}  ready")
    for n in range(1, args.rounds + 1):
        kill = args.kill_every and n % args.kill_every == 0
        stats = asyncio.run(burst(port, plan, n, args, acks, rnd, on_end=server.kill if kill else None))
        if kill:
            server.start()
        ready = server.ready()
        row = {"round": n, **stats.by_class, "writes_ok": stats.writes_ok,
               "429": stats.codes.get(429, 0), "hung_up": stats.hung_up,
               "conn_errors": stats.conn_errors, "ready": ready[0], "killed": bool(kill)}
        rounds.append(row)
        print(f"{n:>5} {row['2xx']:>6} {row['writes_ok']:>6} {row['4xx']:>5} {row['429']:>5} "
              f"{row['5xx']:>4} {row['hung_up']:>7} {row['conn_errors']:>8}  {ready[0]}"
              f"{' (killed -9 as the burst ended, restarted)' if kill else ''}", flush=True)
        for kind, status, body in stats.server_errors[:3]:
            print(f"      {status} on {kind}: {body}")
        if stats.by_class["5xx"]:
            failures.append(f"round {n}: {stats.by_class['5xx']} answers were 5xx")
        if stats.writes_ok == 0:
            failures.append(f"round {n}: no write was accepted")
        if ready[0] != 200:
            failures.append(f"round {n}: /ready answered {ready[0]} {ready[1]}")
    # The last word: killed once more, started, and every acknowledged write looked up.
    server.kill()
    server.start()
    ready = server.ready()
    if ready[0] != 200:
        failures.append(f"after the last restart /ready answered {ready[0]} {ready[1]}")
    problems = verify(Database(data_dir, db_url), acks)
    server.stop()
    failures += problems
    acked = len(acks.replies) + len(acks.topics) + len(acks.sessions)
    summary = {
        "backend": args.backend, "rounds": args.rounds, "burst_seconds": args.burst,
        "conns": args.conns, "kills": sum(r["killed"] for r in rounds) + 1,
        "answers_2xx": sum(r["2xx"] for r in rounds), "answers_5xx": sum(r["5xx"] for r in rounds),
        "answers_4xx": sum(r["4xx"] for r in rounds), "answers_429": sum(r["429"] for r in rounds),
        "hung_up": sum(r["hung_up"] for r in rounds),
        "rounds_without_writes": sum(1 for r in rounds if r["writes_ok"] == 0),
        "acknowledged": {"replies": len(acks.replies), "topics": len(acks.topics),
                         "sign_ins": len(acks.sessions)},
        "acknowledged_lost_or_altered": len(problems),
        "median_start_seconds": sorted(server.starts)[len(server.starts) // 2],
        "rounds_detail": rounds,
    }
    print(f"\n{args.backend}: {summary['answers_2xx']} answers 2xx, {summary['answers_5xx']} 5xx, "
          f"{summary['answers_4xx']} 4xx ({summary['answers_429']} of them 429), "
          f"{summary['hung_up']} requests hung up mid-way plus every client at each burst's end; "
          f"{summary['kills']} kill -9s; {summary['rounds_without_writes']} rounds without writes; "
          f"{acked} acknowledged writes ({len(acks.replies)} replies, {len(acks.topics)} topics, "
          f"{len(acks.sessions)} sign-ins), {len(problems)} lost or altered.")
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=2))
    if db_url:
        subprocess.run(["psql", args.pg_url, "-qc", f"DROP DATABASE IF EXISTS {db_url.rsplit('/', 1)[1]}"])
    for f in failures[:20]:
        print(f"FAIL: {f}")
    if failures:
        print(f"(server log: {server.log_path})")
        sys.exit(1)
    subprocess.run(["rm", "-rf", str(data_dir)])


if __name__ == "__main__":
    main()
