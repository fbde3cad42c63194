#!/usr/bin/env bash
# The whole test suite: installs what the tests need (idempotently, caches
# outside the repository), then runs every Go test, integration tests included.
set -euo pipefail
cd "$(dirname "$0")/.."
source hack/lib.sh
# Each hack/deps/*.sh installs what one area's tests need.
for f in hack/deps/*.sh; do [ -e "$f" ] && bash "$f"; done
go vet ./...
# Locks and process handling differ per OS (internal/migrate/store's
# lock_*.go): the other platforms ferry runs on must keep compiling.
for goos in windows darwin; do
  GOOS=$goos go build ./...
  GOOS=$goos go vet ./...
done
# Many integration tests wait (holds, TTLs, a controller's loop) more than they
# compute: four packages at a time keep two cores busy.
go test -count=1 -p 4 -timeout 60m ./...
