#!/usr/bin/env bash
# make fuzz: run every Go fuzz test in the repository for FUZZTIME each
# (default 30s). Seed corpora live in each package's testdata/fuzz/ and run
# as ordinary tests in "make test".
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZTIME="${FUZZTIME:-30s}"
grep -rl --include='*_test.go' '^func Fuzz' . | while read -r file; do
  pkg="./$(dirname "${file#./}")"
  for fn in $(grep -o '^func Fuzz[A-Za-z0-9_]*' "$file" | cut -d' ' -f2); do
    echo "== $pkg $fn ($FUZZTIME)"
    go test -run '^$' -fuzz "^$fn\$" -fuzztime "$FUZZTIME" "$pkg"
  done
done
