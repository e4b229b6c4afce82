#!/usr/bin/env bash
# Mail through a real SMTP server: agora configured with `smtp_url` hands its mail to
# aiosmtpd (PyPI's SMTP server, which stores what it receives in a maildir), and what arrives
# is read as a member's mail program would: the sender, the recipient, the subject, a body a
# person can follow (the verification link confirms the address), and a bulletin's one-click
# unsubscribe headers (RFC 8058).
#
#   bash e2e/smtp.sh [AGORA_BINARY]      (CI: .ci/run; needs python3 with aiosmtpd, and curl)
set -euo pipefail

bin="${1:-${AGORA_BIN:-target/debug/agora}}"
python3 -c 'import aiosmtpd' 2>/dev/null \
  || { echo "error: aiosmtpd is not installed (pip install aiosmtpd, or apt-get install python3-aiosmtpd)" >&2; exit 1; }
dir=$(mktemp -d)
source "$(dirname "$0")/lib.sh"
port=$(free_port)
smtp_port=$(free_port)
trap '[ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; [ -n "${smtp_pid:-}" ] && kill "$smtp_pid" 2>/dev/null; rm -rf "$dir"' EXIT

python3 -m aiosmtpd -n -l "127.0.0.1:$smtp_port" -c aiosmtpd.handlers.Mailbox "$dir/maildir" \
  >"$dir/smtp.log" 2>&1 &
smtp_pid=$!
for _ in $(seq 1 100); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $smtp_port), 1)" 2>/dev/null && break
  sleep 0.1
done

base="http://127.0.0.1:$port"
AGORA_SMTP_URL="smtp://127.0.0.1:$smtp_port" AGORA_PUBLIC_URL="$base" AGORA_LOG=warn \
  "$bin" --data-dir "$dir/data" serve --demo --listen "127.0.0.1:$port" >"$dir/agora.log" 2>&1 &
pid=$!
wait_for "$base/health"
curl -fsS "$base/health" >/dev/null || { cat "$dir/agora.log"; exit 1; }

# A sign-up: agora mails the verification link.
member=$(curl -fsS -H 'content-type: application/json' \
  -d '{"username":"smtpreader","email":"smtp.reader@example.com","password":"correct horse battery","accept_documents":true}' \
  "$base/api/v1/auth/register" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')

# The newest mail to $1 whose subject holds $2, as it arrived, once it has (10 s at most).
read_mail() {
  python3 - "$dir/maildir" "$1" "$2" <<'PY'
import mailbox, sys, time
box, to, subject = sys.argv[1], sys.argv[2], sys.argv[3].lower()
for _ in range(100):
    found = [m for m in mailbox.Maildir(box, factory=None, create=True)
             if to in str(m["To"]) and subject in str(m["Subject"]).lower()]
    if found:
        sys.stdout.write(found[-1].as_string())
        sys.exit(0)
    time.sleep(0.1)
sys.exit(f"no mail to {to} about {subject!r} arrived")
PY
}

# Read with Python's email package, as a mail program would: headers decoded, the text part.
token=$(read_mail smtp.reader@example.com "confirm your email" | python3 -c "
import email, email.policy, re, sys
m = email.message_from_string(sys.stdin.read(), policy=email.policy.default)
assert 'smtp.reader@example.com' in m['To'], m['To']
assert m['From'] and m['Date'] and m['Message-ID'], f'sender, date and id in {dict(m.items())}'
body = m.get_body(preferencelist=('plain',)).get_content()
link = re.search(re.escape('$base') + r'/verify/([A-Za-z0-9_-]+)', body)
assert link, f'a verification link in {body!r}'
print(f\"verification mail: From {m['From']}, Subject {m['Subject']!r}\", file=sys.stderr)
print(link.group(1))")
curl -fsS -o /dev/null -H 'content-type: application/json' -d "{\"token\":\"$token\"}" "$base/api/v1/auth/verify"
curl -fsS -H "authorization: Bearer $member" "$base/api/v1/me" \
  | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["email_verified"] is True, d; print("the link from the mail confirmed the address")'

# The member opts in to bulletins; an admin sends one: it arrives with the one-click
# unsubscribe headers, and its link unsubscribes without signing in.
curl -fsS -o /dev/null -X PUT -H "authorization: Bearer $member" -H 'content-type: application/json' \
  -d '{"email_bulletins":true}' "$base/api/v1/me/email-preferences"
admin=$(curl -fsS -H 'content-type: application/json' -d '{"login":"mara","password":"voltera-demo-2026"}' \
  "$base/api/v1/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
curl -fsS -o /dev/null -H "authorization: Bearer $admin" -H 'content-type: application/json' \
  -d '{"subject":"Spring ride schedule","body":"The spring rides start on the first Sunday."}' \
  "$base/api/v1/bulletins"
unsubscribe=$(read_mail smtp.reader@example.com "spring ride schedule" | python3 -c "
import email, email.policy, sys
m = email.message_from_string(sys.stdin.read(), policy=email.policy.default)
url = m['List-Unsubscribe']
assert url and url.startswith('<$base/unsubscribe/'), url
assert m['List-Unsubscribe-Post'] == 'List-Unsubscribe=One-Click', m['List-Unsubscribe-Post']
assert 'first Sunday' in m.get_body(preferencelist=('plain',)).get_content()
print(f\"bulletin: List-Unsubscribe {url[:45]}…\", file=sys.stderr)
print(url.strip('<>'))")
# The one-click unsubscribe a mail program sends (RFC 8058): a POST to the link.
curl -fsS -o /dev/null -X POST -d 'List-Unsubscribe=One-Click' "$unsubscribe"
curl -fsS -H "authorization: Bearer $member" "$base/api/v1/me/email-preferences" \
  | python3 -c '
import json, sys
d = json.load(sys.stdin)
on = {o["subject"]: o["granted"] for o in d}
assert on["email_bulletins"] is False, d
print("the one-click unsubscribe turned bulletins off")'
echo "mail through SMTP: ok ($(ls "$dir/maildir/new" | wc -l) mails received)"
