#!/usr/bin/env bash
# macOS only (Xcode, rustup): builds CStarWebhooksFFI.xcframework (static libraries for macOS,
# iOS and the iOS simulator + the generated header and module map) and the generated Swift
# sources, so that `swift build` / `swift test` work from this folder. NOT run in this
# repository's CI (there is no Swift toolchain on its Linux machines).
set -euo pipefail
cd "$(dirname "$0")"
PKG=$PWD
ROOT=$(cd ../.. && pwd)
[ "$(uname -s)" = Darwin ] || { echo "build-xcframework.sh needs macOS and Xcode" >&2; exit 1; }

TARGETS=(aarch64-apple-darwin x86_64-apple-darwin aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios)
rustup target add "${TARGETS[@]}"
TARGET_DIR=${CARGO_TARGET_DIR:-$(cd "$ROOT" && cargo metadata --format-version 1 --no-deps |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')}
for t in "${TARGETS[@]}"; do
  (cd "$ROOT" && cargo rustc -p cstar-webhooks-uniffi --release --locked --target "$t" --crate-type staticlib)
done
lib() { echo "$TARGET_DIR/$1/release/libcstar_webhooks_uniffi.a"; }

BUILD=$PKG/.build-ffi
rm -rf "$BUILD" CStarWebhooksFFI.xcframework
mkdir -p "$BUILD/Headers" "$BUILD/macos" "$BUILD/ios-sim"
# Swift sources, header and module map from the (unstripped) host library's metadata.
uniffi-bindgen-swift --swift-sources "$(lib aarch64-apple-darwin)" "$BUILD"
mv "$BUILD/CStarWebhooks.swift" Sources/CStarWebhooks/cstar_webhooks.swift
uniffi-bindgen-swift --headers --modulemap --xcframework --module-name CStarWebhooksFFI \
  --modulemap-filename module.modulemap "$(lib aarch64-apple-darwin)" "$BUILD/Headers"

lipo -create "$(lib aarch64-apple-darwin)" "$(lib x86_64-apple-darwin)" -output "$BUILD/macos/libcstar_webhooks_uniffi.a"
lipo -create "$(lib aarch64-apple-ios-sim)" "$(lib x86_64-apple-ios)" -output "$BUILD/ios-sim/libcstar_webhooks_uniffi.a"
xcodebuild -create-xcframework \
  -library "$BUILD/macos/libcstar_webhooks_uniffi.a" -headers "$BUILD/Headers" \
  -library "$(lib aarch64-apple-ios)" -headers "$BUILD/Headers" \
  -library "$BUILD/ios-sim/libcstar_webhooks_uniffi.a" -headers "$BUILD/Headers" \
  -output CStarWebhooksFFI.xcframework
echo "built CStarWebhooksFFI.xcframework; now: swift test"
