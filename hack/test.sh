#!/usr/bin/env bash
# The whole test suite: installs what the tests need (idempotently, caches
# outside the repository), then runs every Go test, integration tests included.
set -euo pipefail
cd "$(dirname "$0")/.."
source hack/lib.sh
ferry::ensure_test_deps
go vet ./...
go test -count=1 -timeout 45m ./...
