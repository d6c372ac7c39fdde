#!/usr/bin/env bash
# Installs the Debian packages FieldRoll builds and tests with, when they are missing.
# Safe to run again: it does nothing when everything is there.
set -euo pipefail

need=()
# postgresql: the tests start a throwaway PostgreSQL 15 cluster for the PostgreSQL backend.
for pkg in libsqlite3-dev libcurl4-openssl-dev zlib1g-dev openssl postgresql; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done

if [ ${#need[@]} -gt 0 ]; then
  echo "bootstrap: installing ${need[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

command -v swift >/dev/null || { echo "bootstrap: the Swift toolchain (6.1 or later) is not on PATH" >&2; exit 1; }

# Schemathesis checks the server against docs/openapi.json (scripts/schemathesis.sh); pinned, so
# a new release cannot fail a run that passed.
schemathesis_version=4.32.5
if ! python3 -m pip show schemathesis 2>/dev/null | grep -qx "Version: $schemathesis_version"; then
  command -v python3 >/dev/null || { echo "bootstrap: python3 (with pip) is needed for schemathesis" >&2; exit 1; }
  echo "bootstrap: installing schemathesis $schemathesis_version"
  python3 -m pip install --quiet --disable-pip-version-check "schemathesis==$schemathesis_version"
fi
