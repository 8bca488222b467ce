#!/usr/bin/env bash
# Installs the pinned @simplewebauthn/server for the rpscope adapter, exactly as locked in
# package-lock.json (npm ci: no ranges resolved, nothing global). Safe to run again.
# Run from anywhere, e.g. the repository root: bash adapters/simplewebauthn/install.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
npm ci --no-audit --no-fund
