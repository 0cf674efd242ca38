#!/usr/bin/env bash
# Installs (or reuses) the TypeScript tools of `cargo xtask interop` (openapi-typescript and
# typescript, pinned in scripts/interop/ts/package.json and its lock file; tsc also compiles
# openapi-generator's typescript-fetch client) under target/ with `npm ci`, and prints the
# directory. They are reinstalled whenever either file changes; once
# installed, nothing is fetched: the xtask runs them with `node` from that directory.
set -euo pipefail
cd "$(dirname "$0")/.."
tools=target/interop-ts-tools
src=scripts/interop/ts
if ! cmp -s "$src/package-lock.json" "$tools/package-lock.json" 2>/dev/null \
  || ! cmp -s "$src/package.json" "$tools/package.json" 2>/dev/null \
  || [ ! -f "$tools/node_modules/.package-lock.json" ]; then
  rm -rf "$tools"
  mkdir -p "$tools"
  cp "$src/package.json" "$src/package-lock.json" "$tools/"
  npm ci --prefix "$tools" --no-audit --no-fund --ignore-scripts --loglevel=error >&2
fi
echo "$tools"
