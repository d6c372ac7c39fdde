#!/usr/bin/env bash
# Runs Schemathesis (every check) against a fresh server, to show that docs/openapi.json and the
# server agree: what the document allows is accepted, what it forbids is refused, and every
# answer (status, headers, body) is documented. Builds nothing: needs .build/debug/fieldroll-server
# (`swift build`) and schemathesis (scripts/bootstrap.sh installs it). Exits non-zero on any
# failure. Overrides of single checks for single operations, with reasons: scripts/schemathesis.toml.
#
#   scripts/schemathesis.sh                  # 30 examples per operation
#   FIELDROLL_SCHEMATHESIS_EXAMPLES=100 scripts/schemathesis.sh
set -euo pipefail
cd "$(dirname "$0")/.."
server=.build/debug/fieldroll-server
[ -x "$server" ] || { echo "schemathesis: $server is missing; run swift build first" >&2; exit 1; }
schemathesis=.venv/bin/schemathesis
[ -x "$schemathesis" ] || { echo "schemathesis: not installed in .venv; run scripts/bootstrap.sh" >&2; exit 1; }

work=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

"$server" init --data "$work/data" >/dev/null
# An admin for the whole county, so that every authenticated route can be exercised.
code=$("$server" device enroll --data "$work/data" --name schemathesis --role admin --scope 139901000000 --json |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["code"])')
openssl genpkey -algorithm ed25519 -out "$work/device.pem" 2>/dev/null
key=$(openssl pkey -in "$work/device.pem" -pubout -outform DER | tail -c 32 | base64)

"$server" serve --data "$work/data" --host 127.0.0.1 --port 0 >"$work/serve.log" 2>&1 &
pid=$!
port=""
for _ in $(seq 1 100); do
  port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$work/serve.log")
  [ -n "$port" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
[ -n "$port" ] || { echo "schemathesis: the server did not start:" >&2; cat "$work/serve.log" >&2; exit 1; }
url="http://127.0.0.1:$port"

token=$(curl -sS --fail -H 'Content-Type: application/json' \
  -d "{\"code\":\"$code\",\"publicKey\":\"$key\"}" "$url/v1/devices/enrol" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')

# A blob the device uploaded (so it may read it back) and a cursor of this server: see the
# dictionaries in scripts/schemathesis.toml.
printf 'fieldroll schemathesis\n' >"$work/blob"
blob=$(sha256sum "$work/blob" | cut -c1-64)
curl -sS --fail -o /dev/null -X PUT -H "Authorization: Bearer $token" -H "Upload-Length: $(wc -c <"$work/blob")" \
  -H 'Expect:' --data-binary @"$work/blob" "$url/v1/blobs/$blob"
export FIELDROLL_SCHEMATHESIS_BLOB="$blob"
FIELDROLL_SCHEMATHESIS_CURSOR="$(curl -sS --fail "$url/healthz" | python3 -c 'import json, sys; print(json.load(sys.stdin)["server"])'):0"
export FIELDROLL_SCHEMATHESIS_CURSOR
# Schemathesis does not expand variables in dictionaries: write the values into a copy.
python3 - scripts/schemathesis.toml "$work/schemathesis.toml" <<'PY'
import os, sys
text = open(sys.argv[1]).read()
for name in ("FIELDROLL_SCHEMATHESIS_CURSOR", "FIELDROLL_SCHEMATHESIS_BLOB"):
    text = text.replace("${" + name + "}", os.environ[name])
open(sys.argv[2], "w").write(text)
PY

status=0
# One worker: the machine is shared, and the run stays well under three minutes.
"$schemathesis" --config-file "$work/schemathesis.toml" run docs/openapi.json \
  --url "$url" \
  --checks all \
  --max-examples "${FIELDROLL_SCHEMATHESIS_EXAMPLES:-30}" \
  --workers 1 \
  --seed "${FIELDROLL_SCHEMATHESIS_SEED:-20261125}" \
  --generation-database none \
  --no-color \
  -H "Authorization: Bearer $token" || status=$?
if [ "$status" -ne 0 ]; then
  echo "schemathesis: failures above (server log: last lines follow)" >&2
  tail -n 20 "$work/serve.log" >&2
fi
exit "$status"
