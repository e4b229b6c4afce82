#!/usr/bin/env bash
# agora behind Debian's nginx, as an operator deploys it: clients that reach agora through the
# proxy from different addresses are counted apart by the per-address rules, and a client
# that talks to agora directly cannot escape its limit by sending X-Forwarded-For itself.
#
#   bash e2e/proxy.sh [AGORA_BINARY]      (CI: .ci/run; needs nginx and curl)
set -euo pipefail

bin="${1:-${AGORA_BIN:-target/debug/agora}}"
command -v nginx >/dev/null || { echo "error: nginx is not installed (apt-get install nginx)" >&2; exit 1; }
dir=$(mktemp -d)
source "$(dirname "$0")/lib.sh"
agora_port=$(free_port)
proxy_port=$(free_port)
cleanup() {
  [ -n "${agora_pid:-}" ] && kill "$agora_pid" 2>/dev/null || true
  [ -f "$dir/nginx.pid" ] && kill "$(cat "$dir/nginx.pid")" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT

AGORA_TRUSTED_PROXIES=127.0.0.1 AGORA_LOG=warn \
  "$bin" --data-dir "$dir/data" serve --listen "127.0.0.1:$agora_port" >"$dir/agora.log" 2>&1 &
agora_pid=$!

mkdir -p "$dir/nginx"
cat >"$dir/nginx.conf" <<EOF
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/nginx/error.log warn;
events { worker_connections 64; }
http {
  access_log $dir/nginx/access.log;
  client_body_temp_path $dir/nginx/body;
  proxy_temp_path $dir/nginx/proxy;
  fastcgi_temp_path $dir/nginx/fastcgi;
  uwsgi_temp_path $dir/nginx/uwsgi;
  scgi_temp_path $dir/nginx/scgi;
  server {
    listen 127.0.0.1:$proxy_port;
    location / {
      proxy_pass http://127.0.0.1:$agora_port;
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
    }
  }
}
EOF
nginx -c "$dir/nginx.conf" -p "$dir/nginx"

wait_for "http://127.0.0.1:$proxy_port/health"
curl -fsS "http://127.0.0.1:$proxy_port/health" >/dev/null || { cat "$dir/agora.log" "$dir/nginx/error.log" >&2; exit 1; }

# Signs up a new account named $3 from source address $1 to port $2 (with extra curl arguments
# after); prints the HTTP status. The names are fixed words: a name made of the clock's digits
# can look like keyboard mash ("aaaab", "dfghj") to the plausibility rules and be refused
# with 422 before the burst rule is reached.
signup() {
  local from=$1 port=$2 name=$3
  shift 3
  curl -sS -o /dev/null -w '%{http_code}' --interface "$from" "$@" \
    -H 'content-type: application/json' \
    -d "{\"username\":\"$name\",\"email\":\"$name@example.com\",\"password\":\"correct horse battery\"}" \
    "http://127.0.0.1:$port/api/v1/auth/register"
}
words=(zero one two three four five six seven)

failures=0
expect() {
  local what=$1 want=$2 got=$3
  if [ "$got" = "$want" ]; then
    echo "ok   $what: $got"
  else
    echo "FAIL $what: expected $want, got $got"
    failures=$((failures + 1))
  fi
}

# The burst rule allows three new accounts from one address in ten minutes.
for i in 1 2 3; do expect "sign-up $i from 127.0.0.2 through nginx" 201 "$(signup 127.0.0.2 "$proxy_port" "rider-north-${words[$i]}")"; done
expect "sign-up 4 from 127.0.0.2 through nginx" 429 "$(signup 127.0.0.2 "$proxy_port" rider-north-four)"
for i in 1 2 3; do expect "sign-up $i from 127.0.0.3 through nginx, counted apart" 201 "$(signup 127.0.0.3 "$proxy_port" "rider-south-${words[$i]}")"; done
# Straight to agora, forging the header the proxy would set: the forged address is ignored.
for i in 1 2 3; do
  expect "sign-up $i from 127.0.0.4 directly, forging X-Forwarded-For" 201 \
    "$(signup 127.0.0.4 "$agora_port" "rider-east-${words[$i]}" -H "X-Forwarded-For: 198.51.100.$i")"
done
expect "sign-up 4 from 127.0.0.4 directly, forging X-Forwarded-For" 429 \
  "$(signup 127.0.0.4 "$agora_port" rider-east-four -H "X-Forwarded-For: 198.51.100.4")"
# And through nginx, a client's own X-Forwarded-For is on the left, where nobody looks.
expect "sign-up 5 from 127.0.0.2 through nginx, forging X-Forwarded-For" 429 \
  "$(signup 127.0.0.2 "$proxy_port" rider-north-five -H "X-Forwarded-For: 198.51.100.77")"

if [ "$failures" -gt 0 ]; then
  echo "--- agora's log"; cat "$dir/agora.log"
  echo "--- nginx's access log"; cat "$dir/nginx/access.log"
  exit 1
fi
echo "agora behind nginx: every check passed"
