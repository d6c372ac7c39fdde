#!/usr/bin/env bash
# The main job: the FieldRoll server on its embedded SQLite store, with the synthetic county
# imported and one caseworker tablet enrolled, listening on http://127.0.0.1:8080 until Ctrl-C.
# Installs what a fresh machine lacks first. Usage: scripts/main.sh [DATA_DIR] [PORT]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
swift build --product fieldroll-server
bin=.build/debug/fieldroll-server
data="${1:-.fieldroll/server}"
port="${2:-8080}"

"$bin" migrate --data "$data"
# Importing the same county again changes nothing, so this is safe on every start.
"$bin" import --data "$data" \
  --households Fixtures/county/households.csv \
  --members Fixtures/county/members.csv \
  --enrolments Fixtures/county/enrolments.csv
echo
echo "A caseworker tablet for 上河村 (139901002201) can enrol with this one-time code:"
"$bin" device enroll --data "$data" --name "李敏的平板" --role caseworker --scope 139901002201
echo
echo "Try:  curl -s http://127.0.0.1:$port/healthz"
echo "      $bin device list --data $data"
echo "      $bin export enrolments --data $data --scope 139901002000"
echo
exec "$bin" serve --data "$data" --port "$port"
