#!/usr/bin/env bash
# Installs the Debian packages FieldRoll builds and tests with, when they are missing.
# Safe to run again: it does nothing when everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
# postgresql: the tests start a throwaway PostgreSQL 15 cluster for the PostgreSQL backend.
# chromium, chromium-driver: the web console's browser tests (Tests/Browser); fonts-wqy-zenhei
# so its Chinese pages render (and screenshot) as text, not boxes.
# python3-venv: the test tools (Schemathesis, Selenium) live in the project's own virtual
# environment, .venv, not in the system's Python.
for pkg in libsqlite3-dev libcurl4-openssl-dev zlib1g-dev openssl postgresql chromium chromium-driver fonts-wqy-zenhei python3-venv; do
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

# The test tools' virtual environment (git-ignored): made once, then only what is missing or at
# another version is installed, so a run that has them reaches no package index.
command -v python3 >/dev/null || { echo "bootstrap: python3 is needed for the test tools" >&2; exit 1; }
venv=.venv
if [ ! -x "$venv/bin/python" ]; then
  echo "bootstrap: making the test tools' virtual environment in $venv"
  python3 -m venv "$venv"
fi

# Schemathesis checks the server against docs/openapi.json (scripts/schemathesis.sh); pinned, so
# a new release cannot fail a run that passed.
schemathesis_version=4.32.5
# `pip show` is read whole before it is searched: `pip show | grep -q` under pipefail fails when
# grep stops reading early, which would reinstall (and reach for the package index) every run.
installed() { "$venv/bin/python" -m pip show "$1" 2>/dev/null | sed -n 's/^Version: //p' || true; }
if [ "$(installed schemathesis)" != "$schemathesis_version" ]; then
  echo "bootstrap: installing schemathesis $schemathesis_version into $venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "schemathesis==$schemathesis_version"
fi

# Selenium drives Debian's chromium through chromium-driver in the browser tests; pinned like
# schemathesis. It finds both on PATH and downloads no browser of its own.
selenium_version=4.50.0
if [ "$(installed selenium)" != "$selenium_version" ]; then
  echo "bootstrap: installing selenium $selenium_version into $venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "selenium==$selenium_version"
fi

# axe-selenium-python runs axe-core (bundled in the package: nothing is fetched at run time) on every
# page of the browser tests; pinned like the others. 2.1.6 is the last release for Python 3.11,
# Debian's python3, and carries axe-core 3.1.1.
axe_selenium_python_version=2.1.6
if [ "$(installed axe-selenium-python)" != "$axe_selenium_python_version" ]; then
  echo "bootstrap: installing axe-selenium-python $axe_selenium_python_version into $venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "axe-selenium-python==$axe_selenium_python_version"
fi
