#!/usr/bin/env bash
# Every library crate packages and builds from its own tarball, and the CLI installs from
# its packaged crate (offline, its rpscope dependencies resolved to their packaged
# crates) and runs the main job. What `cargo install rpscope-cli` would do, without a
# registry.
#
#   scripts/package-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."

# Verification is the install below: it builds every library crate the CLI needs from its
# own tarball (rpscope-oracles, which is not published, is built by the fuzz check), so
# cargo's own verify step would only build the same crates a second time.
cargo package --workspace --locked --no-verify --exclude rpscope-oracles
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
patches=()
for crate in target/package/rpscope-*.crate; do
  tar xzf "$crate" -C "$work"
  dir=$(basename "$crate" .crate)
  name=${dir%-*}
  patches+=(--config "patch.crates-io.${name}.path=\"$work/$dir\"")
done
cli=$(ls -d "$work"/rpscope-cli-*)
# A debug build: this checks that the tarballs build and install, not how fast they run.
# The workspace target directory: third-party crates built by `cargo test` are reused.
CARGO_TARGET_DIR="$PWD/target" cargo install --debug --offline --path "$cli" --root "$work/root" "${patches[@]}"
"$work/root/bin/rpscope" conformance --quiet
"$work/root/bin/rpscope" --version
