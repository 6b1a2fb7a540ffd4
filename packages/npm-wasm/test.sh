#!/usr/bin/env bash
# The test command of @cstar/webhooks-wasm (run by scripts/test.sh; works on a fresh clone once
# scripts/setup.sh has installed wasm-bindgen 0.2.130, the wasm32 target and Debian's chromium).
#   1. npm ci (committed lockfile: binaryen@132, playwright-core, typescript, benchmark peers)
#   2. npm run build: cargo (wasm-release) → wasm-bindgen → wasm-opt -Oz → strip → entries
#   3. this package's suites: all of tests/vectors through every entry, API and error checks,
#      the ESM build in a node:vm context without Node built-ins, headless Chromium (the
#      inspector over loopback and file://, no network; the browser ESM entries)
#   4. the native package's shared API suites, unchanged, against this build (TEST_WASM=1)
#   5. tsc over the shared TypeScript declarations (lib es2022 only: no DOM, no Node types)
#   6. the size guard: the .wasm must be <= WASM_GZIP_BUDGET bytes gzipped (default 35 KiB,
#      issue 5's budget; see BENCHMARKS.md for the measured size).
set -euo pipefail
cd "$(dirname "$0")"

echo "--- npm ci"
npm ci --no-audit --no-fund --loglevel=error

echo "--- build"
npm run --silent build

echo "--- own suites (vectors, API, no-built-ins, headless Chromium)"
node --test test/*.test.mjs

shared=(../npm/test/vectors.test.mjs ../npm/test/api.test.mjs ../npm/test/errors.test.mjs)
echo "--- the native package's shared suites against the WASM build (TEST_WASM=1)"
for f in "${shared[@]}"; do
  [ -f "$f" ] || { echo "missing shared suite $f" >&2; exit 1; }
done
TEST_WASM=1 node --test "${shared[@]}"

echo "--- tsc (shared declarations, no DOM / Node types)"
npx --no-install tsc -p test/types
npx --no-install tsc -p test/types/fetch

echo "--- size budget"
node -e '
const { raw, gzip } = require("./dist/size.json");
const budget = Number(process.env.WASM_GZIP_BUDGET || 35 * 1024);
const kib = (n) => (n / 1024).toFixed(1) + " KiB";
console.log(`cstar_webhooks_wasm_bg.wasm: ${raw} bytes raw (${kib(raw)}), ${gzip} bytes gzip -9 (${kib(gzip)}); budget ${kib(budget)} gzipped`);
if (gzip > budget) {
  console.error(`FAIL: the .wasm is ${kib(gzip)} gzipped, over the ${kib(budget)} budget`);
  process.exit(1);
}
'
echo "npm-wasm: all suites passed"
