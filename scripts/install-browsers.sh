#!/usr/bin/env bash
# Installs what `rpscope browser` drives, from the package registries only:
#   Debian: chromium, chromium-driver, firefox-esr, libnss3-tools (certutil)
#   crates.io: geckodriver (pinned)
# Idempotent: anything already present is left alone. Needs root for apt-get (run as
# root, or with sudo available).
#
#   scripts/install-browsers.sh [chromium|firefox|all]   (default: all)
set -euo pipefail

which="${1:-all}"
GECKODRIVER_VERSION="0.37.0"

case "$which" in
  chromium) packages=(chromium chromium-driver libnss3-tools) ;;
  firefox) packages=(firefox-esr libnss3-tools) ;;
  all) packages=(chromium chromium-driver firefox-esr libnss3-tools) ;;
  *) echo "usage: $0 [chromium|firefox|all]" >&2; exit 2 ;;
esac

sudo_if_needed() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-browsers: apt-get install ${missing[*]}"
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "install-browsers: ${packages[*]} already installed"
fi

if [ "$which" != chromium ]; then
  have=""
  if command -v geckodriver >/dev/null 2>&1; then
    have="$(geckodriver --version 2>/dev/null | awk 'NR == 1 { print $2 }' || true)"
  fi
  if [ "$have" != "$GECKODRIVER_VERSION" ]; then
    echo "install-browsers: cargo install geckodriver $GECKODRIVER_VERSION (about 2 min on 2 cores)"
    cargo install geckodriver --locked --version "$GECKODRIVER_VERSION"
  else
    echo "install-browsers: geckodriver $GECKODRIVER_VERSION already installed"
  fi
fi

if [ "$which" != firefox ]; then
  /usr/lib/chromium/chromium --version 2>/dev/null || chromium --version
fi
if [ "$which" != chromium ]; then
  firefox-esr --version
fi
