#!/usr/bin/env bash
# Lighthouse on the pages a guest meets first (landing, groups, a group, a topic, search,
# sign-up) of the demo community, in Debian's Chromium. Prints the four scores of each page and
# fails if accessibility, best practices or SEO is below 1.00. Performance is printed, not
# asserted: it is measured from timings, and a shared machine's timings are noise.
#
#   bash e2e/lighthouse.sh [AGORA_BINARY]      (CI: .ci/run; needs `npm ci` in e2e/ first)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")"

bin="${1:-${AGORA_BIN:-../target/debug/agora}}"
lighthouse=node_modules/.bin/lighthouse
[ -x "$lighthouse" ] || { echo "error: run 'npm ci' in e2e/ first (lighthouse is missing)" >&2; exit 1; }
command -v chromium >/dev/null || { echo "error: chromium is not installed (apt-get install chromium)" >&2; exit 1; }
dir=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
trap '[ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT

AGORA_LOG=warn "$bin" --data-dir "$dir/data" serve --demo --listen "127.0.0.1:$port" >"$dir/agora.log" 2>&1 &
pid=$!
base="http://127.0.0.1:$port"
wait_for "$base/health"
topic=$(curl -fsS "$base/g/getting-started" | grep -o 'href="/t/[^"]*"' | head -1 | cut -d'"' -f2)
[ -n "$topic" ] || { echo "error: no topic found on /g/getting-started" >&2; cat "$dir/agora.log" >&2; exit 1; }

failed=0
for path in / /groups /g/getting-started "$topic" "/search?q=battery" /signup; do
  CHROME_PATH="$(command -v chromium)" "$lighthouse" "$base$path" --quiet \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run" \
    --only-categories=performance,accessibility,best-practices,seo \
    --output=json --output-path="$dir/report.json" >/dev/null 2>"$dir/lighthouse.log" \
    || { echo "error: lighthouse failed on $path" >&2; cat "$dir/lighthouse.log" >&2; exit 1; }
  python3 - "$path" "$dir/report.json" <<'PY' || failed=1
import json, sys
path, report = sys.argv[1], json.load(open(sys.argv[2]))
cats = report["categories"]
print(f"{path:<60} " + "  ".join(f"{k} {cats[k]['score']:.2f}" for k in cats))
bad = False
for key, cat in cats.items():
    if cat["score"] >= 1:
        continue
    for ref in cat["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if ref.get("weight", 0) > 0 and audit.get("score") is not None and audit["score"] < 1:
            print(f"    {key}: {ref['id']} {audit['score']} {audit.get('displayValue', '')}")
    bad = bad or key != "performance"
sys.exit(1 if bad else 0)
PY
done
[ "$failed" = 0 ] || { echo "error: a page scored below 1.00 in accessibility, best practices or SEO" >&2; exit 1; }
