#!/usr/bin/env python3
"""Fails when a public symbol of the given modules has no doc comment.

Reads the symbol graphs `swift package dump-symbol-graph --minimum-access-level public` writes
(one JSON file per module, in .build/<triple>/symbolgraph). Symbols the compiler makes
(synthesized conformances, with no place in the source) are not counted.

    scripts/doc_coverage.py .build/x86_64-unknown-linux-gnu/symbolgraph FieldRollClient
"""
import json
import os
import sys


def main() -> int:
    if len(sys.argv) < 3:
        print("usage: doc_coverage.py SYMBOLGRAPH_DIR MODULE [MODULE ...]", file=sys.stderr)
        return 2
    folder, modules = sys.argv[1], sys.argv[2:]
    failed = False
    for module in modules:
        path = os.path.join(folder, f"{module}.symbols.json")
        try:
            with open(path, encoding="utf-8") as f:
                graph = json.load(f)
        except OSError as e:
            print(f"doc coverage: cannot read {path}: {e.strerror}", file=sys.stderr)
            return 1
        symbols = [s for s in graph["symbols"] if s.get("location")]
        missing = [s for s in symbols if not s.get("docComment")]
        share = 100.0 * (len(symbols) - len(missing)) / max(1, len(symbols))
        print(f"{module}: {len(symbols) - len(missing)} of {len(symbols)} public symbols documented ({share:.1f} %)")
        for s in sorted(missing, key=lambda s: (s["location"]["uri"], s["location"]["position"]["line"])):
            where = s["location"]["uri"].replace("file://", "")
            where = os.path.relpath(where) if where.startswith("/") else where
            print(f"  undocumented: {'.'.join(s['pathComponents'])}  ({where}:{s['location']['position']['line'] + 1})")
        failed = failed or bool(missing)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
