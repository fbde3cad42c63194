#!/usr/bin/env bash
# What the DNS server's tests and benchmark need: the foreign clients dig
# (dnsutils) and kdig (knot-dnsutils) that the conformance tests query
# ferry's server with, and the benchmark's load generator (dnsperf) and
# peer (knot, the Knot DNS authoritative server).
set -euo pipefail
cd "$(dirname "$0")/../.."
source hack/lib.sh
ferry::apt_install dnsutils knot-dnsutils
if [ "${1:-}" = "--bench" ]; then
  ferry::apt_install dnsperf knot
fi
