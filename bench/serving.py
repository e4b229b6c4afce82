"""Starting agora for the benchmarks: the process, its log, and waiting until it answers."""

import os
import socket
import signal
import subprocess
import sys
import time
import urllib.request


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def free_port():
    """A port nothing listens on now (the kernel's choice, so never one a client holds)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(cmd, base, log_path, env, timeout=120):
    """Starts `cmd` (appending its output to `log_path`) and waits until `base`/health answers;
    returns the process and the seconds it took."""
    t0 = time.monotonic()
    with open(log_path, "a") as out:
        proc = subprocess.Popen(cmd, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT)
    while True:
        try:
            with urllib.request.urlopen(base + "/health", timeout=1) as r:
                if r.status == 200:
                    return proc, time.monotonic() - t0
        except OSError:
            pass
        if proc.poll() is not None:
            raise SystemExit(f"agora exited at start; see {log_path}")
        if time.monotonic() - t0 > timeout:
            proc.kill()
            raise SystemExit(f"agora did not answer within {timeout} s")
        time.sleep(0.002)


def stop(proc):
    """SIGTERM, as a service manager stops it; returns the seconds it took to exit."""
    t0 = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        log("agora did not stop within 30 s of SIGTERM: killed")
        proc.kill()
    return time.monotonic() - t0


