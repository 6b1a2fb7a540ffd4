#!/usr/bin/env bash
# The one test command: installs what it needs, builds every binding and runs every suite
# in every language. `.ci/run` calls exactly this. Fails on the first failing step.
#
#   bash scripts/test.sh            everything
#   FUZZ_SECONDS=0 bash scripts/test.sh   skip the fuzz smoke run
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
START=$(date +%s)
STEPS=()

step() { # step NAME COMMAND...
  local name=$1; shift
  local t0; t0=$(date +%s)
  echo
  echo "==> $name"
  "$@"
  STEPS+=("$(printf '%-44s %4ss' "$name" $(( $(date +%s) - t0 )))")
}

step "setup (apt, rustup targets, pinned tools)" bash scripts/setup.sh
step "vectors: signature/event oracle agrees" python3 tests/vectors/generate.py --check
step "vectors: retry/engine oracle agrees" python3 tests/vectors/generate_retry.py --check
step "rustfmt" cargo fmt --all --check
step "clippy -D warnings (workspace)" cargo clippy --workspace --all-targets --locked -- -D warnings
step "rust tests (workspace)" cargo test --workspace --locked
step "no_std build: thumbv7em-none-eabihf" \
  cargo build -p cstar-webhooks --no-default-features --target thumbv7em-none-eabihf --locked
step "no_std build: thumbv7em + serde" \
  cargo build -p cstar-webhooks --no-default-features --features serde --target thumbv7em-none-eabihf --locked
step "no_std build: wasm32-unknown-unknown" \
  cargo build -p cstar-webhooks --no-default-features --target wasm32-unknown-unknown --locked
step "docs build (deny warnings)" env RUSTDOCFLAGS="-D warnings" cargo doc -p cstar-webhooks --no-deps --locked
step "example: dispatcher over loopback HTTP" cargo run -q -p cstar-webhooks --example dispatcher --locked -- --http
step "example: async dispatcher (tokio + reqwest, examples/dispatcher) over loopback" cargo run -q -p cstar-webhooks-dispatcher-example --locked
step "example: end-to-end receiver demo" cargo run -q -p cstar-webhooks --example end_to_end --locked
step "benches compile" cargo bench -p cstar-webhooks --no-run --locked

if [ "${FUZZ_SECONDS:-20}" != 0 ]; then
  fuzz_smoke() {
    (cd fuzz && for target in header_parser verify; do
      cargo +nightly fuzz run "$target" -- -max_total_time="${FUZZ_SECONDS:-20}" -rss_limit_mb=2048 2>&1 | tail -3
    done)
  }
  step "fuzz smoke run (${FUZZ_SECONDS:-20}s per target)" fuzz_smoke
fi

# Each package brings its own suite: packages/<name>/test.sh builds the binding and runs
# the language's tests (including all of tests/vectors).
for suite in packages/*/test.sh sender/test.sh; do
  [ -f "$suite" ] || continue
  step "suite: ${suite%/test.sh}" bash "$suite"
done

echo
echo "==> summary"
printf '  %s\n' "${STEPS[@]}"
echo "ALL TESTS PASSED in $(( $(date +%s) - START ))s (${#STEPS[@]} steps)"
