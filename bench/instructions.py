#!/usr/bin/env python3
"""Instructions per request: the steady figure beside bench/load.py's throughput.

Throughput on a shared two-core machine moves with whatever else runs; the number of
instructions agora executes for a request does not (valgrind's callgrind counts them, the
same for the same binary, data and requests whatever the machine is doing). This runs one
build at a time under callgrind on data bench/load.py seeded, sends each scenario's requests
one by one, and prints the instructions per request (agora's process only: on PostgreSQL the
database server's own work is not in the count).

    python3 bench/instructions.py --bin A --data DIR [--pg-url URL] [--label base]

Run it for each build on the same data (in turn, never at once) and divide.

Results are printed and appended as JSON lines to bench/results/instructions.jsonl.
"""

import argparse
import json
import re
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import serving
from serving import log

ROOT = Path(__file__).resolve().parent.parent


def get(url, headers=None):
    req = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(req, timeout=600) as r:
        return r.status, r.read().decode()


def post_json(url, body):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                 headers={"content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=600) as r:
        return json.loads(r.read().decode())


def counted(pid, out_file, requests):
    """Runs `requests` (zero-argument callables) with callgrind's counters zeroed before and
    dumped after; the instructions executed in between."""
    subprocess.run(["callgrind_control", "-z", str(pid)], check=True, capture_output=True)
    for r in requests:
        r()
    subprocess.run(["callgrind_control", "-d", str(pid)], check=True, capture_output=True)
    # Each dump is a new file: <out>.<n>; the newest holds the count since the zeroing.
    dumps = sorted(Path(out_file).parent.glob(Path(out_file).name + ".*"),
                   key=lambda p: p.stat().st_mtime)
    text = dumps[-1].read_text(errors="replace")
    m = re.search(r"^(?:summary|totals):\s+(\d+)", text, re.M)
    for d in dumps:
        d.unlink()
    return int(m.group(1))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True, help="the agora release binary")
    ap.add_argument("--data", required=True, help="a data dir bench/load.py seeded (with its manifest)")
    ap.add_argument("--pg-url", help="the PostgreSQL database bench/load.py seeded, if any")
    ap.add_argument("--label", default="", help="a name for this build in the results")
    ap.add_argument("--n", type=int, default=30, help="requests per scenario")
    args = ap.parse_args()

    data = Path(args.data)
    manifest = json.loads((data / "bench-manifest.json").read_text())
    port = serving.free_port()
    base = f"http://127.0.0.1:{port}"
    out_file = Path("/tmp") / f"agora-callgrind-{port}.out"
    cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out_file}", args.bin,
           "--data-dir", str(data)]
    if args.pg_url:
        cmd += ["--database-url", args.pg_url]
    cmd += ["serve", "--listen", f"127.0.0.1:{port}"]
    proc, _ = serving.start(cmd, base, data / "callgrind.log",
                            {"AGORA_LOG": "warn", "AGORA_POSTS_PER_MINUTE": "100000000"}, timeout=600)
    try:
        token = post_json(base + "/api/v1/auth/login",
                          {"login": manifest["member"], "password": manifest["password"]})["token"]
        member = {"Cookie": f"agora_session={token}"}
        bearer = {"Authorization": f"Bearer {token}"}
        topics = ["/t/" + p for p in manifest["topics_50"]][: args.n]
        api = [f"/api/v1/topics/{p.split('/')[0]}?limit=50" for p in manifest["topics_50"]][: args.n]
        scenarios = [
            ("topic page, guest", topics, {}),
            ("topic page, member", topics, member),
            ("topic JSON, member", api, bearer),
            ("group page 1, member", ["/g/general"], member),
            ("landing page, member", ["/"], member),
            ("search, rare term, member", ["/search?q=" + t for t in manifest["rare_terms"]], member),
            ("search, 2 common words, member",
             ["/search?q=" + "+".join(manifest["common_terms"][:2])], member),
            ("inbox, member", ["/messages"], member),
        ]
        results = {}
        for name, paths, headers in scenarios:
            reqs = [lambda p=paths[i % len(paths)], h=headers: get(base + p, h)
                    for i in range(args.n)]
            try:
                for r in reqs[:5]:
                    r()  # warm: the first requests fill caches and prepare statements
            except urllib.error.HTTPError as e:
                # A build from before the page existed (private messages): no row for it.
                log(f"{name}: {e.code}, left out")
                continue
            total = counted(proc.pid, out_file, reqs)
            results[name] = total / args.n
            log(f"{name}: {results[name]:,.0f} instructions per request")
    finally:
        serving.stop(proc)
    line = {"label": args.label, "bin": args.bin, "pg": bool(args.pg_url), "n": args.n,
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "per_request": results}
    out = ROOT / "bench" / "results" / "instructions.jsonl"
    with open(out, "a") as f:
        f.write(json.dumps(line) + "\n")
    print(json.dumps(line, indent=1))


if __name__ == "__main__":
    main()
