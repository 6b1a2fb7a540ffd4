#!/usr/bin/env bash
# The sender's suite beyond `cargo test --workspace` (which already runs its Rust tests,
# including the kill -9 durability test): the settings page end to end in headless
# Chromium (apt `chromium`, from scripts/setup.sh) with npm `playwright-core` (pinned in
# e2e/package-lock.json). Writes e2e/artifacts/settings.png.
set -euo pipefail
cd "$(dirname "$0")"
cargo build -p cstar-webhooks-sender --locked
target_dir=${CARGO_TARGET_DIR:-$(cargo metadata --format-version 1 --no-deps |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')}
(cd e2e && npm ci --no-audit --no-fund --loglevel=error)
CSTAR_BIN="$target_dir/debug/cstar-webhooks" node e2e/settings.e2e.mjs
