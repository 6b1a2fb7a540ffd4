#!/usr/bin/env bash
# Installs every tool the test command needs, idempotently: Debian packages,
# rustup targets and pinned cargo tools. Safe to run again; skips what is present.
set -euo pipefail

need_apt=()
for pkg in chromium ruby ruby-ffi libjna-java default-jre-headless; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: apt-get install ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

installed_targets=$(rustup target list --installed)
for t in wasm32-unknown-unknown thumbv7em-none-eabihf; do
  grep -qx "$t" <<<"$installed_targets" || rustup target add "$t"
done

# Pinned cargo tools (the versions must match the crates in Cargo.toml exactly).
if ! wasm-bindgen --version 2>/dev/null | grep -q ' 0.2.130'; then
  cargo install wasm-bindgen-cli --version 0.2.130 --quiet
fi
if ! uniffi-bindgen --version 2>/dev/null | grep -q '0.32.2'; then
  cargo install uniffi --version 0.32.2 --features cli --quiet
fi
if ! cargo fuzz --version 2>/dev/null | grep -q '0.13.2'; then
  cargo install cargo-fuzz --version 0.13.2 --quiet
fi
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
echo "setup: tools ready"
