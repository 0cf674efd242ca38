#!/usr/bin/env bash
# Hand-written lines of the facade: non-blank lines of Rust in src/api/*.rs that are not
# comments (`//`, `///`, `//!`), in all and per operation (the spec's operations but the token
# exchange), with the thinnest facade method (`Client::receipt`) and the line count of
# src/enums.rs. Run at the root of a checkout, or give one: a directory
# holding src/ and spec/.
set -euo pipefail
root=${1:-.}
code() { grep -v -E '^\s*(//.*)?$' "$@" | wc -l; }
api=$(cat "$root"/src/api/*.rs | code)
ops=$(grep -c 'operationId:' "$root/spec/iamport.yaml")
ops=$((ops - 1)) # get_token is the client's own, not a facade operation
thinnest=$(awk '/pub async fn receipt\(/,/^    }$/' "$root/src/api/receipts.rs" | code)
echo "src/api total:        $api"
echo "operations:           $ops"
echo "average per op:       $(awk -v a="$api" -v o="$ops" 'BEGIN { printf "%.1f", a / o }')"
echo "thinnest (receipt):   $thinnest"
echo "src/enums.rs:         $(code "$root/src/enums.rs")"
