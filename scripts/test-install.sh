#!/usr/bin/env bash
# Tests the release archive naming and the installer's checksum verification against a
# local "release" directory (the release workflow itself runs only on tags):
#   1. an archive made by release-archive.sh installs and runs;
#   2. a tampered archive is refused (exit 4) and nothing is installed.
#
#   scripts/test-install.sh BINARY
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${1:?usage: $0 BINARY}
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
case "$(uname -m)" in x86_64|amd64) arch=x86_64 ;; *) arch=aarch64 ;; esac
target="${arch}-unknown-linux-musl"   # the name the installer asks for on Linux
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

archive=$(bash scripts/release-archive.sh "$target" "$version" "$binary" "$work/release")
[ "$(basename "$archive")" = "rpscope-v${version}-${target}.tar.gz" ] || { echo "unexpected name $archive"; exit 1; }
tar -tzf "$archive" | grep -qx "rpscope-v${version}-${target}/rpscope" || { echo "archive layout"; exit 1; }

bash scripts/install-rpscope.sh --version "$version" --base-url "file://$work/release" --dest "$work/bin"
"$work/bin/rpscope" --version | grep -q "rpscope $version"

printf 'x' >> "$archive"   # the published checksum no longer matches
set +e
bash scripts/install-rpscope.sh --version "$version" --base-url "file://$work/release" --dest "$work/tampered" 2> "$work/err"
status=$?
set -e
[ "$status" -eq 4 ] || { echo "tampered archive: exit $status, expected 4"; cat "$work/err"; exit 1; }
grep -q "checksum mismatch" "$work/err"
[ ! -e "$work/tampered/rpscope" ] || { echo "a tampered archive was installed"; exit 1; }
echo "install test: archive naming, install and checksum refusal hold"
