#!/usr/bin/env bash
# Builds the passkey-client adapter against its pinned library (Cargo.lock, --locked) into the
# adapters' shared target directory, adapters/target/release/rpscope-adapter-passkey-client.
# Idempotent; run from the repository root: bash adapters/passkey-client/install.sh
# The library and its dependencies are pure Rust on Linux: no system packages are needed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if ! command -v cargo >/dev/null 2>&1; then
  echo "install.sh: cargo is not installed (https://rustup.rs)" >&2
  exit 1
fi
export CARGO_TARGET_DIR="$here/../target"
cargo build --release --locked --manifest-path "$here/Cargo.toml"
