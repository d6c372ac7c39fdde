#!/usr/bin/env bash
# Lints the sources (swift format), builds FieldRoll, runs every test, the web console's browser tests
# (headless Chromium, axe-core, page timing on a release build) and Schemathesis against docs/openapi.json, then checks that the benchmark
# still runs (--quick).
# Installs what a fresh machine lacks first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
echo "swift format lint (the .swift-format rules; fix with: swift format format -i -r Sources Tests Benchmarks):"
swift format lint --strict -r Package.swift Sources Tests Benchmarks Examples
swift build --build-tests
echo "The libraries' documentation (every public symbol of FieldRollClient and FieldRollCore documented; DocC with warnings as errors):"
scripts/docs.sh
echo "The example app (Examples/CaseworkerDay), built as an app team builds it: its own package, FieldRollClient's public API only:"
swift build --package-path Examples/CaseworkerDay
swift test --skip-build "$@"
echo
echo "The server as released (swift build -c release), for the console's page timing with 2,000 households:"
swift build -c release --product fieldroll-server --build-path .build-release
echo
echo "The web console in headless Chromium (Selenium, axe-core on every page), against a real server; screenshots in"
echo "docs/console-screenshots/; then every page's p95 with 2,000 households on the release build, at most 100 ms:"
FIELDROLL_TIMING_LIMIT_MS=100 .venv/bin/python Tests/Browser/console_test.py --timing-server .build-release/release/fieldroll-server
echo
echo "Schemathesis: the server against docs/openapi.json (every check):"
scripts/schemathesis.sh
echo
echo "deploy/ checks (nginx -t, systemd units, the PostgreSQL setup script, backup retention):"
scripts/check-deploy.sh
echo
echo "benchmark, quick mode (figures from a debug build mean nothing; see Benchmarks/RESULTS.md):"
.build/debug/fieldroll-bench --quick
