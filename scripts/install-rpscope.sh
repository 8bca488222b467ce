#!/usr/bin/env bash
# Installs rpscope: the release archive for this machine's target, verified against its
# published SHA-256, or `cargo install --locked rpscope-cli` when no archive exists for
# the target (or none could be downloaded). A checksum mismatch is never papered over:
# it fails the install.
#
#   scripts/install-rpscope.sh [--version V] [--dest DIR] [--base-url URL]
#
#   --version   the release (default: latest; "latest" needs the GitHub API)
#   --dest      where the binary goes (default: ~/.local/bin)
#   --base-url  where archives live (default: the GitHub release of the version; a
#               file:// URL or a mirror works too)
set -euo pipefail

version=latest
dest="${HOME}/.local/bin"
base=""
repo="rpscope/rpscope"
while [ $# -gt 0 ]; do
  case "$1" in
    --version) version=$2; shift 2 ;;
    --dest) dest=$2; shift 2 ;;
    --base-url) base=$2; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "install-rpscope: unknown argument $1" >&2; exit 2 ;;
  esac
done

say() { echo "install-rpscope: $*" >&2; }

target_triple() {
  local os arch
  os=$(uname -s) arch=$(uname -m)
  case "$arch" in
    x86_64|amd64) arch=x86_64 ;;
    aarch64|arm64) arch=aarch64 ;;
    *) return 1 ;;
  esac
  case "$os" in
    Linux) echo "${arch}-unknown-linux-musl" ;;
    Darwin) echo "${arch}-apple-darwin" ;;
    MINGW*|MSYS*|CYGWIN*|Windows_NT) echo "${arch}-pc-windows-msvc" ;;
    *) return 1 ;;
  esac
}

if [ "$version" = latest ]; then
  if [ -n "$base" ]; then
    say "--version is required with --base-url"
    exit 2
  fi
  version=$(curl -fsSL "https://api.github.com/repos/$repo/releases/latest" \
    | sed -n 's/.*"tag_name": *"v\{0,1\}\([^"]*\)".*/\1/p' | head -n1) || true
  [ -n "$version" ] || { say "could not find the latest release"; exit 3; }
fi
version=${version#v}

fallback() {
  say "$1; installing from crates.io with cargo instead"
  command -v cargo >/dev/null || { say "cargo is not installed either"; exit 3; }
  cargo install --locked rpscope-cli --version "$version" --root "$(dirname "$dest")"
  exit 0
}

target=$(target_triple) || fallback "no release archive for $(uname -s) $(uname -m)"
case "$target" in *-windows-*) ext=zip exe=.exe ;; *) ext=tar.gz exe= ;; esac
name="rpscope-v${version}-${target}"
archive="$name.$ext"
[ -n "$base" ] || base="https://github.com/$repo/releases/download/v$version"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
curl -fsSL --retry 3 -o "$work/$archive" "$base/$archive" \
  && curl -fsSL --retry 3 -o "$work/$archive.sha256" "$base/$archive.sha256" \
  || fallback "could not download $base/$archive"

expected=$(awk '{print $1; exit}' "$work/$archive.sha256")
if command -v sha256sum >/dev/null; then
  actual=$(sha256sum "$work/$archive" | awk '{print $1}')
else
  actual=$(shasum -a 256 "$work/$archive" | awk '{print $1}')
fi
if [ -z "$expected" ] || [ "$expected" != "$actual" ]; then
  say "checksum mismatch for $archive: published ${expected:-nothing}, downloaded $actual"
  exit 4
fi

if [ "$ext" = zip ]; then
  (cd "$work" && unzip -q "$archive")
else
  tar -xzf "$work/$archive" -C "$work"
fi
mkdir -p "$dest"
install -m 0755 "$work/$name/rpscope$exe" "$dest/rpscope$exe"
say "installed rpscope $version ($target, sha256 $actual) to $dest"
"$dest/rpscope$exe" --version
