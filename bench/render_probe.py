#!/usr/bin/env python3
"""What hostile markdown does to a running server (issue 20, finding 1).

Starts the binary (debug unless --release) on a fresh demo database, signs in as a demo member,
and sends previews of the worst bodies at once (a quote nested 31,990 deep, which the budget
refuses; the largest table the budget allows) while another thread asks /health every 10 ms.
Prints the answers' codes, the slowest preview, and /health's median and worst latency while
they ran; then a guest's preview and a guest's search with limit=100.

Usage: python3 bench/render_probe.py [--release] [--no-build] [--clients N]
"""

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--release", action="store_true")
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--clients", type=int, default=20)
    args = ap.parse_args()
    profile = "release" if args.release else "debug"
    if not args.no_build:
        cmd = ["cargo", "build", "-q", "-p", "agora"] + (["--release"] if args.release else [])
        subprocess.run(cmd, cwd=ROOT, check=True)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    binary = os.path.join(target, profile, "agora")
    data = tempfile.mkdtemp()
    port = random.randint(30000, 50000)
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [binary, "--data-dir", data, "serve", "--demo", "--listen", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/health", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        probe(base, args.clients, profile)
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(data, ignore_errors=True)


def call(base, path, body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method="POST" if data else "GET")
    req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=300) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def probe(base, clients, profile):
    status, body = call(base, "/api/v1/auth/login", {"login": "frida_k", "password": "voltera-demo-2026"})
    if status != 200:
        sys.exit(f"sign-in failed: {status} {body[:200]}")
    token = json.loads(body)["token"]
    deep = ">" * 31990 + "a"
    table = "|a" * 8 + "\n" + "|-" * 8 + "\n" + "|x|y|z|w|v|u|t|s\n" * 620
    print(f"{profile} build, {os.cpu_count()} cores, {clients} previews at once")
    print("a guest's preview:", call(base, "/api/v1/markdown/preview", {"body": "**hi**"})[0])
    for name, text in [("a quote nested 31,990 deep", deep), ("a table of 4,976 cells", table)]:
        done = []

        def attack():
            start = time.time()
            status, _ = call(base, "/api/v1/markdown/preview", {"body": text}, token)
            done.append((status, time.time() - start))

        threads = [threading.Thread(target=attack) for _ in range(clients)]
        for t in threads:
            t.start()
        health = []
        while any(t.is_alive() for t in threads):
            start = time.time()
            call(base, "/health")
            health.append((time.time() - start) * 1000)
            time.sleep(0.01)
        for t in threads:
            t.join()
        codes = sorted({s for s, _ in done})
        print(
            f"{name}: answers {codes}, slowest {max(d for _, d in done):.2f} s; "
            f"/health meanwhile: {len(health)} asked, median {statistics.median(health):.1f} ms, "
            f"worst {max(health):.1f} ms"
        )
    start = time.time()
    status, _ = call(base, "/api/v1/search?q=battery&limit=100")
    print(f"a guest's search, limit=100: {status} in {(time.time() - start) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
