#!/usr/bin/env bash
# The integration tests run against a real control plane (internal/testcluster):
# build its binaries into the cache when they are missing (minutes, once).
set -euo pipefail
cd "$(dirname "$0")/../.."
bash hack/tools.sh >/dev/null
