#!/usr/bin/env bash
# Builds external-dns (a pinned release, from the Go module proxy) into the
# cache once and prints the binary's path. v0.21.0 is the newest that builds
# here: v0.22.0 needs two dependency versions the module proxy refuses, and
# v0.23.0 needs Go 1.27. A lock keeps two test binaries from building it at
# once; the second waits and reuses the result.
set -euo pipefail
cd "$(dirname "$0")/.."
source hack/lib.sh
mkdir -p "$FERRY_CACHE"
exec 9>"$FERRY_CACHE/externaldns.lock"
command -v flock >/dev/null && flock 9
ferry::go_tool sigs.k8s.io/external-dns@v0.21.0
