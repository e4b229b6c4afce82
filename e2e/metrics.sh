#!/usr/bin/env bash
# agora's /metrics as Prometheus reads it: served on the metrics listener only, and clean by
# Debian's promtool (`promtool check metrics`: format and naming lints).
#
#   bash e2e/metrics.sh [AGORA_BINARY]      (CI: .ci/run; needs promtool and curl)
set -euo pipefail

bin="${1:-${AGORA_BIN:-target/debug/agora}}"
command -v promtool >/dev/null || { echo "error: promtool is not installed (apt-get install prometheus)" >&2; exit 1; }
dir=$(mktemp -d)
source "$(dirname "$0")/lib.sh"
port=$(free_port)
metrics_port=$(free_port)
trap '[ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT

AGORA_METRICS_LISTEN="127.0.0.1:$metrics_port" AGORA_LOG=warn \
  "$bin" --data-dir "$dir/data" serve --demo --listen "127.0.0.1:$port" >"$dir/agora.log" 2>&1 &
pid=$!
wait_for "http://127.0.0.1:$port/health"

# Some traffic of every kind: pages, API reads, a 404, a sign-up, a wrong password, a reply, a
# guest page twice.
base="http://127.0.0.1:$port"
curl -fsS "$base/" >/dev/null
curl -fsS "$base/groups" >/dev/null
curl -fsS "$base/api/v1/groups" >/dev/null
curl -sS -o /dev/null "$base/api/v1/topics/999999"
curl -sS -o /dev/null -H 'content-type: application/json' \
  -d '{"username":"metricsreader","email":"metrics.reader@example.com","password":"correct horse battery","accept_documents":true}' \
  "$base/api/v1/auth/register"
curl -sS -o /dev/null -H 'content-type: application/json' -d '{"login":"mara","password":"not the password"}' \
  "$base/api/v1/auth/login"
token=$(curl -fsS -H 'content-type: application/json' -d '{"login":"mara","password":"voltera-demo-2026"}' \
  "$base/api/v1/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
topic=$(curl -fsS "$base/api/v1/groups" | python3 -c 'import json,sys; print(json.load(sys.stdin)["groups"][0]["slug"])')
topic_id=$(curl -fsS -H "authorization: Bearer $token" "$base/api/v1/groups/$topic/topics" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["topics"][0]["id"])')
curl -fsS -o /dev/null -H "authorization: Bearer $token" -H 'content-type: application/json' \
  -d '{"body":"Counted by the metrics."}' "$base/api/v1/topics/$topic_id/posts"

public=$(curl -sS -o /dev/null -w '%{http_code}' "$base/metrics")
[ "$public" = 404 ] || { echo "FAIL: /metrics answered $public on the public listener" >&2; exit 1; }
curl -fsS "http://127.0.0.1:$metrics_port/metrics" >"$dir/metrics.txt"
for name in agora_http_requests_total agora_http_request_duration_seconds_bucket agora_db_connections \
  agora_db_acquire_seconds_bucket agora_sqlite_commit_seconds_bucket agora_sqlite_batch_transactions_bucket \
  agora_write_wait_seconds_bucket agora_signups_total agora_posts_total agora_mail_total \
  agora_outbox_behind_events agora_outbox_lag_seconds agora_outbox_parked_events; do
  grep -q "^$name" "$dir/metrics.txt" || { echo "FAIL: $name missing"; cat "$dir/metrics.txt"; exit 1; }
done
if ! promtool check metrics <"$dir/metrics.txt"; then
  echo "FAIL: promtool check metrics found problems" >&2
  exit 1
fi
echo "agora's /metrics: $(grep -c '^agora_' "$dir/metrics.txt") samples, promtool check metrics passed"
