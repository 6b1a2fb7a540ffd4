#!/usr/bin/env bash
# Ruby suite: builds the uniffi cdylib (release, unstripped), generates the Ruby bindings with
# the pinned uniffi-bindgen into lib/cstar_webhooks/generated (with the library beside them,
# where the gem bundles it), runs every minitest file (all of tests/vectors, the API, the Rack
# middleware), then builds the gem and checks that it bundles the library.
set -euo pipefail
cd "$(dirname "$0")"
PKG=$PWD
ROOT=$(cd ../.. && pwd)
UNIFFI_VERSION=0.32.2

command -v ruby >/dev/null || { echo "ruby: missing (apt-get install ruby ruby-ffi; scripts/setup.sh does it)" >&2; exit 1; }
ruby -e 'require "ffi"; require "minitest"' || { echo "ruby: needs the ffi gem (apt ruby-ffi) and minitest" >&2; exit 1; }
if ! uniffi-bindgen --version 2>/dev/null | grep -q " $UNIFFI_VERSION"; then
  cargo install uniffi --version "$UNIFFI_VERSION" --features cli --locked --quiet
fi

echo "ruby: cargo build (release cdylib)"
(cd "$ROOT" && cargo build -p cstar-webhooks-uniffi --release --locked --quiet)
TARGET_DIR=${CARGO_TARGET_DIR:-$(cd "$ROOT" && cargo metadata --format-version 1 --no-deps |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')}
LIB="$TARGET_DIR/release/libcstar_webhooks_uniffi.so"
[ -f "$LIB" ] || { echo "ruby: $LIB not built" >&2; exit 1; }

echo "ruby: uniffi-bindgen generate --language ruby"
GEN=lib/cstar_webhooks/generated
rm -rf "$GEN"
mkdir -p "$GEN"
(cd "$ROOT" && uniffi-bindgen generate --no-format --language ruby --out-dir "$PKG/$GEN" "$LIB" >/dev/null)
cp "$LIB" "$GEN/"

echo "ruby: minitest"
LOG=$(mktemp)
if ! ruby -Ilib -Itest -e 'Dir["test/test_*.rb"].sort.each { |f| require File.expand_path(f) }' >"$LOG" 2>&1; then
  cat "$LOG"; rm -f "$LOG"; echo "ruby: tests failed" >&2; exit 1
fi
grep -E "runs|Finished" "$LOG"; rm -f "$LOG"

echo "ruby: gem build"
GEM_OUT=$(mktemp -d)
gem build cstar_webhooks.gemspec --output "$GEM_OUT/cstar_webhooks.gem" >/dev/null
FILES=$(tar -xOf "$GEM_OUT/cstar_webhooks.gem" data.tar.gz | tar -tz)
grep -qx "$GEN/libcstar_webhooks_uniffi.so" <<<"$FILES" ||
  { echo "ruby: the gem does not bundle the native library" >&2; exit 1; }
rm -rf "$GEM_OUT"
echo "ruby: gem bundles $GEN/libcstar_webhooks_uniffi.so"
