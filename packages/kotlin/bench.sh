#!/usr/bin/env bash
# Benchmark (separate from the tests): Verifier.verify vs a javax.crypto HmacSHA256 verifier.
# Reuses test.sh's build (generated/test.jar + the native library), running it first if needed.
set -euo pipefail
cd "$(dirname "$0")"
JNA_JAR=${JNA_JAR:-/usr/share/java/jna.jar}
[ -f generated/test.jar ] || bash test.sh
KOTLIN_HOME=$PWD/node_modules/kotlin-compiler
"$KOTLIN_HOME/bin/kotlinc" -nowarn -cp "generated/test.jar:$JNA_JAR" -d generated/bench.jar bench/VerifyBench.kt
java -cp "generated/native:generated/bench.jar:generated/test.jar:$JNA_JAR:$KOTLIN_HOME/lib/kotlin-stdlib.jar" \
  com.cstar.webhooks.bench.VerifyBenchKt
