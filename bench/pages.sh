#!/usr/bin/env bash
# Server time and size of the main pages on the demo community.
#
# Starts the release binary on a fresh demo database, then for each page runs wrk with one
# connection for a few seconds and prints the latency percentiles it measured on loopback
# (with the trivial /health endpoint first, as the baseline of the same run),
# next to the page's HTML size and the shared CSS + JS. Usage: bench/pages.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-5}"
target="${CARGO_TARGET_DIR:-target}"
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 1; }
cargo build --release -q -p agora
bin="$target/release/agora"
data=$(mktemp -d)
port=$(( 30000 + RANDOM % 20000 ))
"$bin" --data-dir "$data" serve --demo --listen "127.0.0.1:$port" >"$data/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
base="http://127.0.0.1:$port"
topic=$(curl -fs "$base/api/v1/groups/getting-started/topics?sort=replies&limit=1" | sed 's/.*"url":"\([^"]*\)".*/\1/')
css=$(curl -fs "$base/static/agora.css" | wc -c)
js=$(curl -fs "$base/static/agora.js" | wc -c)
echo "machine: $(nproc) cores; wrk -t1 -c1 -d${secs}s --latency; CSS $css B, JS $js B (cached for a year)"
printf '%-22s %8s %8s %8s %10s %10s\n' page p50 p99 req/s html_B html+css+js_B
for page in /health / /g/getting-started "$topic"; do
  out=$(wrk -t1 -c1 -d"${secs}s" --latency "$base$page")
  p50=$(awk '/^ +50%/ {print $2}' <<<"$out")
  p99=$(awk '/^ +99%/ {print $2}' <<<"$out")
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  html=$(curl -fs "$base$page" | wc -c)
  printf '%-22s %8s %8s %8s %10s %10s\n' "${page:0:22}" "$p50" "$p99" "$rps" "$html" "$((html + css + js))"
done
