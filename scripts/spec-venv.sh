#!/usr/bin/env bash
# Creates (or reuses) the Python virtualenv of the spec tools under target/ and prints its path.
# It is rebuilt whenever scripts/spec-requirements.txt changes.
#
# openapi-generator (openapi-generator-cli from PyPI, whose wheel bundles the jar) runs on Java:
# without `java`, a JRE is installed from Debian's packages when this runs as root (as CI does);
# otherwise a note says what to install.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/spec-venv
requirements=scripts/spec-requirements.txt
if ! command -v java > /dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
    (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends default-jre-headless) >&2
  else
    echo "note: openapi-generator needs java; install a JRE (Debian: default-jre-headless)" >&2
  fi
fi
if ! cmp -s "$requirements" "$venv/requirements.txt" 2>/dev/null; then
  rm -rf "$venv"
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements" >&2
  cp "$requirements" "$venv/requirements.txt"
fi
echo "$venv"
