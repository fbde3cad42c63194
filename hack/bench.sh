#!/usr/bin/env bash
# Every side-by-side benchmark: each hack/bench/*.sh runs ferry and its peer
# in the same run on this machine and prints both figures and the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
source hack/lib.sh
for f in hack/bench/*.sh; do [ -e "$f" ] && bash "$f"; done
