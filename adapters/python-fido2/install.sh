#!/usr/bin/env bash
# Installs the pinned library for the python-fido2 adapter into adapters/python-fido2/.venv.
# Idempotent; run from the repository root: bash adapters/python-fido2/install.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="${PYTHON:-python3}"
if [ ! -x "$here/.venv/bin/python" ]; then
  "$python" -m venv "$here/.venv"
fi
"$here/.venv/bin/python" -m pip install --quiet --disable-pip-version-check \
  --require-hashes --only-binary=:all: -r "$here/requirements.txt"
"$here/.venv/bin/python" -m pip check --disable-pip-version-check >&2
