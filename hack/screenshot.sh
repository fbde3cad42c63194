#!/usr/bin/env bash
# docs/img/dashboard.png, as the README shows it: `ferry demo --web` opened
# in the same headless chromium the dashboard's tests use (hack/screenshot).
set -euo pipefail
cd "$(dirname "$0")/.."
bash hack/deps/browser.sh
go build -o bin/ferry ./cmd/ferry
mkdir -p docs/img
go run ./hack/screenshot -ferry bin/ferry -out docs/img/dashboard.png -at "${AT:-50}"
echo "wrote docs/img/dashboard.png" >&2
