#!/usr/bin/env bash
# What the metric gates' tests need: a real Prometheus (Debian's package,
# 2.42), started by the tests themselves on loopback with a generated config.
# Debian's package may start a system service; the tests never use it.
set -euo pipefail
cd "$(dirname "$0")/../.."
source hack/lib.sh
ferry::apt_install prometheus
