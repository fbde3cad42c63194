#!/usr/bin/env bash
# The external-dns webhook tests run a real external-dns: build it into the
# cache when it is missing (about 2.5 minutes, once).
set -euo pipefail
cd "$(dirname "$0")/../.."
bash hack/externaldns.sh >/dev/null
