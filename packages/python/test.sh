#!/usr/bin/env bash
# The cstar-webhooks Python package: build it and run every suite. Works on a fresh clone:
#   1. creates packages/python/.venv and installs the pinned tools (requirements-dev.txt),
#   2. builds the abi3 wheel once, as manylinux2014 (maturin --zig, zig from PyPI), and the sdist,
#   3. installs that wheel into the venv,
#   4. runs pytest (all of tests/vectors, error codes, frameworks, examples/python-fastapi),
#      mypy --strict over the package, the tests and the example, and mypy.stubtest of _native.pyi against the built module.
# Honours CARGO_TARGET_DIR (default: the workspace's target/). Exits non-zero on any failure.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE"
PYTHON="${PYTHON:-python3}"
VENV="$HERE/.venv"

if [ ! -x "$VENV/bin/python" ]; then
  if ! "$PYTHON" -m venv "$VENV"; then
    echo "packages/python/test.sh: cannot create a venv; on Debian/Ubuntu: apt-get install python3-venv" >&2
    exit 1
  fi
fi
PY="$VENV/bin/python"
# As if activated: maturin finds zig through the venv's python (the ziglang package).
export PATH="$VENV/bin:$PATH"
export VIRTUAL_ENV="$VENV"
"$PY" -m pip install --disable-pip-version-check -q -r requirements-dev.txt -c constraints.txt

echo "== python: build (manylinux2014 abi3 wheel via zig, and the sdist)"
rm -rf dist
"$VENV/bin/maturin" build --release --zig --compatibility manylinux2014 --out dist
"$VENV/bin/maturin" sdist --out dist
wheel="$(ls dist/cstar_webhooks-*-cp39-abi3-manylinux*2014*_x86_64*.whl dist/cstar_webhooks-*-cp39-abi3-manylinux*_2_17_*.whl 2>/dev/null | head -n1 || true)"
if [ -z "$wheel" ]; then
  echo "packages/python/test.sh: no manylinux2014 abi3 wheel in dist/:" >&2
  ls dist >&2
  exit 1
fi
ls dist/cstar_webhooks-*.tar.gz >/dev/null
"$PY" -m pip install --disable-pip-version-check -q --force-reinstall --no-deps "$wheel"
# The tests must import the installed wheel, not the source tree.
"$PY" - <<'PYEOF'
import cstar_webhooks, cstar_webhooks._native as n, sys
assert "/site-packages/" in cstar_webhooks.__file__, cstar_webhooks.__file__
print("testing", cstar_webhooks.__file__, "core", n.CORE_VERSION, "python", sys.version.split()[0])
PYEOF

echo "== python: pytest"
"$PY" -m pytest -q -p no:cacheprovider tests ../../examples/python-fastapi

echo "== python: mypy --strict (package + tests + example)"
"$PY" -m mypy --strict --cache-dir "$VENV/.mypy_cache" python/cstar_webhooks tests
"$PY" -m mypy --strict --cache-dir "$VENV/.mypy_cache" ../../examples/python-fastapi

echo "== python: stubtest (_native.pyi vs the built module)"
"$PY" -m mypy.stubtest --mypy-config-file pyproject.toml cstar_webhooks._native

echo "== python: ok"
