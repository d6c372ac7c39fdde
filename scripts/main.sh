#!/usr/bin/env bash
# The main job: builds FieldRoll and makes a synthetic county, then shows it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
swift build -c release --product fieldroll-server
out="${1:-.fieldroll/county}"
.build/release/fieldroll-server fixtures generate --households 2000 --seed 7 --out "$out"
echo
echo "First households of the generated county ($out/households.csv):"
head -n 4 "$out/households.csv"
