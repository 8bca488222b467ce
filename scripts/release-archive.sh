#!/usr/bin/env bash
# Packs one release binary the way the release workflow publishes it, the Action and
# cargo-binstall download it, and scripts/install-rpscope.sh verifies it:
#
#   rpscope-v<VERSION>-<TARGET>.tar.gz   (.zip for Windows targets)
#     rpscope-v<VERSION>-<TARGET>/rpscope[.exe], README.md
#   rpscope-v<VERSION>-<TARGET>.tar.gz.sha256   ("<sha256>  <archive name>")
#
#   scripts/release-archive.sh TARGET VERSION BINARY OUTDIR
set -euo pipefail
[ $# -eq 4 ] || { echo "usage: $0 TARGET VERSION BINARY OUTDIR" >&2; exit 2; }
target=$1 version=$2 binary=$3 out=$4
case "$target" in
  *-windows-*) ext=zip exe=.exe ;;
  *) ext=tar.gz exe= ;;
esac
name="rpscope-v${version}-${target}"
root="$(cd "$(dirname "$0")/.." && pwd)"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/$name" "$out"
cp "$binary" "$stage/$name/rpscope$exe"
cp "$root/README.md" "$stage/$name/"
out=$(cd "$out" && pwd)
archive="$name.$ext"
if [ "$ext" = zip ]; then
  (cd "$stage" && zip -qr "$out/$archive" "$name")
else
  # Reproducible: fixed owner, order and times.
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime='@0' \
    -C "$stage" -czf "$out/$archive" "$name"
fi
(cd "$out" && sha256sum "$archive" > "$archive.sha256")
echo "$out/$archive"
