#!/usr/bin/env bash
# docs/img/dashboard.png, as the README shows it, and dashboard-rollback.png:
# `ferry demo --web` opened in the same headless chromium the dashboard's
# tests use (hack/screenshot).
set -euo pipefail
cd "$(dirname "$0")/.."
bash hack/deps/browser.sh
go build -o bin/ ./cmd/ferry ./cmd/ferry-engine
mkdir -p docs/img
go build -o bin/screenshot ./hack/screenshot
bin/screenshot -ferry bin/ferry -out docs/img/dashboard.png -at "${AT:-50}"
# The same with the cluster failing at 25%: the rollback and its figures.
bin/screenshot -ferry bin/ferry -out docs/img/dashboard-rollback.png -fail-at 25
echo "wrote docs/img/dashboard.png and docs/img/dashboard-rollback.png" >&2
