#!/usr/bin/env bash
# Builds external-dns (a pinned release, from the Go module proxy) into the
# cache once and prints the binary's path; with "crd", prints the path of
# the DNSEndpoint CRD manifest from the same module instead. v0.21.0 is the
# newest that builds here: v0.22.0 needs two dependency versions the module
# proxy refuses, and v0.23.0 needs Go 1.27. A lock keeps two test binaries
# from building it at once; the second waits and reuses the result.
set -euo pipefail
cd "$(dirname "$0")/.."
source hack/lib.sh
version=v0.21.0
mkdir -p "$FERRY_CACHE"
exec 9>"$FERRY_CACHE/externaldns.lock"
command -v flock >/dev/null && flock 9
if [ "${1:-}" = crd ]; then
  dir="$(cd "$FERRY_CACHE" && GOFLAGS=-mod=mod go mod download -json "sigs.k8s.io/external-dns@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  echo "$dir/config/crd/standard/dnsendpoints.externaldns.k8s.io.yaml"
  exit 0
fi
ferry::go_tool "sigs.k8s.io/external-dns@$version"
