#!/usr/bin/env bash
# The libraries' documentation: every public symbol of FieldRollClient and FieldRollCore (which
# FieldRollClient re-exports) documented — scripts/doc_coverage.py fails below 100 % — and DocC
# built for both with warnings as errors, so a broken symbol link or an undocumented parameter
# fails too: FieldRollClient with its catalog (Sources/FieldRollClient/FieldRollClient.docc) into
# .build/docs/FieldRollClient.doccarchive, FieldRollCore into .build/docs/FieldRollCore.doccarchive.
# Run after `swift build`.
set -euo pipefail
cd "$(dirname "$0")/.."
swift package dump-symbol-graph --minimum-access-level public >/dev/null
graphs="$(swift build --show-bin-path)/../symbolgraph"
python3 scripts/doc_coverage.py "$graphs" FieldRollClient FieldRollCore
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p .build/docs "$work/client" "$work/core" "$work/FieldRollCore.docc"
cp "$graphs/FieldRollClient.symbols.json" "$work/client/"
cp "$graphs/FieldRollCore.symbols.json" "$work/core/"
docc convert Sources/FieldRollClient/FieldRollClient.docc --additional-symbol-graph-dir "$work/client" \
  --output-path .build/docs/FieldRollClient.doccarchive --fallback-display-name FieldRollClient \
  --fallback-bundle-identifier org.fieldroll.client --warnings-as-errors >/dev/null
docc convert "$work/FieldRollCore.docc" --additional-symbol-graph-dir "$work/core" \
  --output-path .build/docs/FieldRollCore.doccarchive --fallback-display-name FieldRollCore \
  --fallback-bundle-identifier org.fieldroll.core --warnings-as-errors >/dev/null
echo "DocC: .build/docs/FieldRollClient.doccarchive, .build/docs/FieldRollCore.doccarchive"
