#!/usr/bin/env python3
"""Prints the results of two bench/load.py runs (SQLite, then PostgreSQL) side by side as the
markdown table in docs/performance.md.

    python3 bench/table.py bench/results/sqlite-1000000.json bench/results/postgres-1000000.json
"""
import json
import sys


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    a, b = (json.load(open(p)) for p in sys.argv[1:])
    print(f"| scenario | {a['backend']} req/s | p50 ms | p95 ms | p99 ms | × R | RSS MiB "
          f"| {b['backend']} req/s | p50 ms | p95 ms | p99 ms | × R | RSS MiB |")
    print("|---" * 13 + "|")
    for name, x in a["scenarios"].items():
        y = b["scenarios"].get(name)
        cells = [name]
        for v in (x, y):
            if v is None:
                cells += ["–"] * 7
                continue
            cells += [f"{v['rps']:,.0f}", f"{v['p50_ms']:.2f}", f"{v['p95_ms']:.2f}", f"{v['p99_ms']:.2f}",
                      f"{v['ratio']:.3f}", f"{v.get('rss_mib') or 0:.1f}"]
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
