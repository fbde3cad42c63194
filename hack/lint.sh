#!/usr/bin/env bash
# make lint: golangci-lint with the repository's .golangci.yml, built from the
# Go module proxy into the cache on first use.
set -euo pipefail
cd "$(dirname "$0")/.."
source hack/lib.sh
lint="$(ferry::go_tool github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v2.15.0)"
"$lint" run ./...
