#!/usr/bin/env bash
# Builds the go-webauthn adapter into adapters/go-webauthn/bin/rpscope-adapter-go-webauthn.
# Idempotent; run from the repository root: bash adapters/go-webauthn/install.sh
#
# go.mod pins github.com/go-webauthn/webauthn at an exact version and go.sum holds the checksum of
# every module the build needs. -mod=readonly refuses to change either, so the build uses exactly
# what is pinned. The first run downloads the modules through the Go module proxy (checked against
# go.sum); later runs build from the module cache without the network.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=readonly -buildvcs=false"
if ! GOPROXY=off go list -deps . >/dev/null 2>&1; then
  go mod download
fi
go build -trimpath -o bin/rpscope-adapter-go-webauthn .
