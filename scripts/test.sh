#!/usr/bin/env bash
# Runs every test file of every package and of test/. Node 20 does not expand globs
# itself, so the file list is built here and an empty list is an error, never a pass.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(find packages/*/test test -name '*.test.ts' -not -path '*/node_modules/*' 2>/dev/null | sort)
if [ "${#files[@]}" -eq 0 ]; then
  echo "scripts/test.sh: no test files found" >&2
  exit 1
fi
# Packages resolve each other's TypeScript sources through the "mcp-oauth-source" export condition;
# child processes spawned by tests inherit it via NODE_OPTIONS.
export NODE_OPTIONS="--conditions=mcp-oauth-source --import tsx ${NODE_OPTIONS:-}"
exec node --test --test-concurrency="${TEST_CONCURRENCY:-2}" --test-timeout="${TEST_TIMEOUT_MS:-300000}" "$@" "${files[@]}"
