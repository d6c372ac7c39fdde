#!/usr/bin/env bash
# FieldRollClient's documentation: every public symbol documented (scripts/doc_coverage.py fails
# below 100 %), and the DocC catalog (Sources/FieldRollClient/FieldRollClient.docc) built with
# warnings as errors — a broken symbol link fails — into .build/docs/FieldRollClient.doccarchive.
# Run after `swift build`.
set -euo pipefail
cd "$(dirname "$0")/.."
swift package dump-symbol-graph --minimum-access-level public >/dev/null
graphs="$(swift build --show-bin-path)/../symbolgraph"
python3 scripts/doc_coverage.py "$graphs" FieldRollClient
client=$(mktemp -d)
trap 'rm -rf "$client"' EXIT
cp "$graphs/FieldRollClient.symbols.json" "$client/"
mkdir -p .build/docs
docc convert Sources/FieldRollClient/FieldRollClient.docc --additional-symbol-graph-dir "$client" \
  --output-path .build/docs/FieldRollClient.doccarchive --fallback-display-name FieldRollClient \
  --fallback-bundle-identifier org.fieldroll.client --warnings-as-errors >/dev/null
echo "DocC: .build/docs/FieldRollClient.doccarchive"
