#!/usr/bin/env bash
# What the DNS server's tests need: the foreign clients dig (dnsutils) and
# kdig (knot-dnsutils) that the conformance tests query ferry's server with.
set -euo pipefail
cd "$(dirname "$0")/../.."
source hack/lib.sh
ferry::apt_install dnsutils knot-dnsutils
