#!/usr/bin/env bash
# Validates an OpenAPI document (default spec/iamport.yaml) with the independent
# openapi-spec-validator, from the virtualenv of scripts/spec-venv.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=$(bash scripts/spec-venv.sh)
"$venv/bin/openapi-spec-validator" "${1:-spec/iamport.yaml}"
