#!/usr/bin/env bash
# Creates (or reuses) the Python virtualenv of the spec tools under target/ and prints its path.
# It is rebuilt whenever scripts/spec-requirements.txt changes.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/spec-venv
requirements=scripts/spec-requirements.txt
if ! cmp -s "$requirements" "$venv/requirements.txt" 2>/dev/null; then
  rm -rf "$venv"
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements" >&2
  cp "$requirements" "$venv/requirements.txt"
fi
echo "$venv"
