#!/usr/bin/env bash
# Validates spec/iamport.yaml with the independent openapi-spec-validator, installed into a
# virtualenv under target/ from the package registry.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/spec-venv
if [ ! -x "$venv/bin/openapi-spec-validator" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "openapi-spec-validator>=0.7,<0.9"
fi
"$venv/bin/openapi-spec-validator" "${1:-spec/iamport.yaml}"
