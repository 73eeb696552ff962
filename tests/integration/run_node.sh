#!/usr/bin/env bash
# Runs one DuckDB query test with node. Exits 77 (ctest: skipped) and says why when node or the npm
# package @duckdb/node-api (installed by `./dev deps` / `./dev test`: npm ci in tests/integration) is missing.
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if ! command -v node >/dev/null 2>&1; then
  echo "SKIPPED: node is not installed (needed for the DuckDB query tests)"
  exit 77
fi
if [[ ! -d "$here/node_modules/@duckdb/node-api" ]]; then
  echo "SKIPPED: @duckdb/node-api is not installed; run: (cd tests/integration && npm ci)"
  exit 77
fi
exec node "$@"
