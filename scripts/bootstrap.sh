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
