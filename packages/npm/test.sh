#!/usr/bin/env bash
# The @cstar/webhooks suite: install the pinned dev dependencies from the committed lockfile,
# build the native addon from source, check the generated binding files for drift, type-check
# the declarations, and run every node --test suite (vectors, API, errors, adapters).
# Works from a fresh clone; honours CARGO_TARGET_DIR when set (napi build passes it to cargo).
set -euo pipefail
cd "$(dirname "$0")"

echo "npm: $(npm --version), node: $(node --version)"
npm ci --no-audit --no-fund --loglevel=error

# The loader and the declarations napi generates are committed: keep a copy, rebuild, compare.
snapshot=$(mktemp -d)
trap 'rm -rf "$snapshot"' EXIT
cp binding.js binding.d.ts "$snapshot"/
npm run build --silent
for f in binding.js binding.d.ts; do
  if ! cmp -s "$snapshot/$f" "$f"; then
    echo "error: $f is out of date with bindings/node (regenerate with npm run build and commit it):" >&2
    diff -u "$snapshot/$f" "$f" | head -40 >&2 || true
    exit 1
  fi
done
echo "binding.js and binding.d.ts match the build"

# The ESM entries are generated from the CommonJS export names: check them too.
cp ./*.mjs ./*.d.mts "$snapshot"/
node scripts/gen-esm.cjs
for f in *.mjs *.d.mts; do
  cmp -s "$snapshot/$f" "$f" || { echo "error: $f is out of date (node scripts/gen-esm.cjs)" >&2; exit 1; }
done

npx --no-install tsc -p test/types
echo "declarations type-check (strict, node16, ESM and CommonJS)"

node --test test/

# The example receiver (examples/node-express) runs end to end against this build.
(cd ../../examples/node-express && npm ci --no-audit --no-fund --loglevel=error && npm test)
