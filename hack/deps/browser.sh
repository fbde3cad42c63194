#!/usr/bin/env bash
# What the dashboard's browser tests and `make screenshot` need: Debian's
# chromium, driven from Go with chromedp (see internal/dashboard/browsertest).
set -euo pipefail
cd "$(dirname "$0")/../.."
source hack/lib.sh
ferry::apt_install chromium
