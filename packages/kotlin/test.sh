#!/usr/bin/env bash
# Kotlin (JVM) suite: builds the uniffi cdylib (release, unstripped), generates the Kotlin
# bindings with the pinned uniffi-bindgen, compiles bindings + sources + tests in ONE kotlinc
# run, and runs every test (all of tests/vectors) on the JVM through JNA.
set -euo pipefail
cd "$(dirname "$0")"
PKG=$PWD
ROOT=$(cd ../.. && pwd)
UNIFFI_VERSION=0.32.2
JNA_JAR=${JNA_JAR:-/usr/share/java/jna.jar}

[ -f "$JNA_JAR" ] || { echo "kotlin: $JNA_JAR missing (apt-get install libjna-java; scripts/setup.sh does it)" >&2; exit 1; }
command -v java >/dev/null || { echo "kotlin: java missing (libjna-java pulls a JRE)" >&2; exit 1; }
if ! uniffi-bindgen --version 2>/dev/null | grep -q " $UNIFFI_VERSION"; then
  cargo install uniffi --version "$UNIFFI_VERSION" --features cli --locked --quiet
fi

echo "kotlin: cargo build (release cdylib)"
(cd "$ROOT" && cargo build -p cstar-webhooks-uniffi --release --locked --quiet)
TARGET_DIR=${CARGO_TARGET_DIR:-$(cd "$ROOT" && cargo metadata --format-version 1 --no-deps |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')}
LIB="$TARGET_DIR/release/libcstar_webhooks_uniffi.so"
[ -f "$LIB" ] || { echo "kotlin: $LIB not built" >&2; exit 1; }

echo "kotlin: uniffi-bindgen generate --language kotlin"
rm -rf generated
mkdir -p generated/native/linux-x86-64
(cd "$ROOT" && uniffi-bindgen generate --no-format --language kotlin --out-dir "$PKG/generated" "$LIB" >/dev/null)
# Where a packaged jar carries the library (JNA's resource path); the tests load it from here.
cp "$LIB" generated/native/linux-x86-64/

if [ ! -x node_modules/kotlin-compiler/bin/kotlinc ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
KOTLIN_HOME=$PKG/node_modules/kotlin-compiler
chmod +x "$KOTLIN_HOME"/bin/* 2>/dev/null || true

echo "kotlin: kotlinc (bindings + sources + tests, one compile)"
t0=$(date +%s)
"$KOTLIN_HOME/bin/kotlinc" -nowarn -cp "$JNA_JAR:$KOTLIN_HOME/lib/kotlin-test.jar" -d generated/test.jar \
  $(find generated src -name '*.kt' | sort)
echo "kotlin: compiled in $(( $(date +%s) - t0 ))s"

# The native library is loaded the way a user gets it: from a jar's `linux-x86-64/` resource
# (JNA extracts it), not from a library path.
if command -v jar >/dev/null; then
  jar cf generated/natives.jar -C generated/native .
  NATIVES=generated/natives.jar
else
  NATIVES=generated/native
fi
java -Dcstar.vectors="$ROOT/tests/vectors" \
  -cp "generated/test.jar:$NATIVES:$JNA_JAR:$KOTLIN_HOME/lib/kotlin-stdlib.jar:$KOTLIN_HOME/lib/kotlin-test.jar" \
  com.cstar.webhooks.RunnerKt
