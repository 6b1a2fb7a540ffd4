#!/usr/bin/env bash
# Swift: there is NO Swift toolchain on this machine, so nothing Swift is compiled or run
# here. This script only builds the uniffi cdylib, generates the Swift bindings (Swift
# sources, C header, module map) with the pinned uniffi-bindgen, and checks that the files
# exist and define what the hand-written extensions and XCTests use. On macOS, run
# `bash build-xcframework.sh && swift test` for the real thing.
set -euo pipefail
cd "$(dirname "$0")"
PKG=$PWD
ROOT=$(cd ../.. && pwd)
UNIFFI_VERSION=0.32.2

if ! uniffi-bindgen --version 2>/dev/null | grep -q " $UNIFFI_VERSION"; then
  cargo install uniffi --version "$UNIFFI_VERSION" --features cli --locked --quiet
fi

echo "swift: cargo build (release cdylib)"
(cd "$ROOT" && cargo build -p cstar-webhooks-uniffi --release --locked --quiet)
TARGET_DIR=${CARGO_TARGET_DIR:-$(cd "$ROOT" && cargo metadata --format-version 1 --no-deps |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')}
LIB="$TARGET_DIR/release/libcstar_webhooks_uniffi.so"
[ -f "$LIB" ] || { echo "swift: $LIB not built" >&2; exit 1; }

echo "swift: uniffi-bindgen generate --language swift"
OUT=$(mktemp -d)
(cd "$ROOT" && uniffi-bindgen generate --no-format --language swift --out-dir "$OUT" "$LIB" >/dev/null)
rm -rf Sources/CStarWebhooksFFI Sources/CStarWebhooks/cstar_webhooks.swift
mkdir -p Sources/CStarWebhooksFFI
mv "$OUT/CStarWebhooks.swift" Sources/CStarWebhooks/cstar_webhooks.swift
mv "$OUT/CStarWebhooksFFI.h" Sources/CStarWebhooksFFI/
mv "$OUT/CStarWebhooksFFI.modulemap" Sources/CStarWebhooksFFI/module.modulemap
rm -rf "$OUT"

SWIFT=Sources/CStarWebhooks/cstar_webhooks.swift
for f in "$SWIFT" Sources/CStarWebhooksFFI/CStarWebhooksFFI.h Sources/CStarWebhooksFFI/module.modulemap \
         Package.swift Sources/CStarWebhooks/CStarWebhooks+Extensions.swift \
         Tests/CStarWebhooksTests/VectorTests.swift Tests/CStarWebhooksTests/ApiTests.swift; do
  [ -s "$f" ] || { echo "swift: missing $f" >&2; exit 1; }
done
grep -q 'import CStarWebhooksFFI' "$SWIFT" || { echo "swift: generated code does not import CStarWebhooksFFI" >&2; exit 1; }
grep -q 'module CStarWebhooksFFI' Sources/CStarWebhooksFFI/module.modulemap || { echo "swift: bad module map" >&2; exit 1; }
# Every name the hand-written Swift relies on exists in the generated code.
for sym in 'enum WebhookError' 'case MissingSignature(' 'case MalformedSignature(' 'case TimestampTooOld(' \
           'case TimestampInFuture(' 'case NoMatchingSignature(' 'case LegacyNotAllowed(' 'case InvalidPayload(' \
           'case InvalidArgument(' 'case Other(' 'open class Verifier' 'func verify(body: Data, signature: String?, now: Int64? = nil)' \
           'func constructEvent(body: Data, signature: String?, now: Int64? = nil)' 'public func parseHeaders(headers: [Header])' \
           'public func errorCodes()' 'public func errorForCode(code: String)' 'public func flatten(payload: String)' \
           'public func sign(body: Data, secrets: [String], timestamp: Int64)' 'public func retrySchedule()' \
           'public func diagnose(body: Data, signature: String?, secrets: [String], now: Int64? = nil)' \
           'public func generateTestHeaders(' 'public func sampleEvent(eventType: EventType)'; do
  grep -qF "$sym" "$SWIFT" || { echo "swift: generated bindings lack: $sym" >&2; exit 1; }
done
echo "swift: generated $(wc -l <"$SWIFT") lines of Swift + header + module map; files and symbols check out."
echo "swift: NOT COMPILED: no Swift toolchain on this machine (run build-xcframework.sh and 'swift test' on macOS)."
