#!/usr/bin/env bash
# The main job: the FieldRoll server on its embedded SQLite store, with the demo — a synthetic
# county imported, three field devices syncing over HTTP, what merged and what conflicted —
# then the server keeps serving on http://127.0.0.1:8080 until Ctrl-C.
# Installs what a fresh machine lacks first. Usage: scripts/main.sh [DATA_DIR] [PORT]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
swift build --product fieldroll-server
data="${1:-.fieldroll/server}"
port="${2:-8080}"
exec .build/debug/fieldroll-server demo --data "$data" --port "$port" --serve
