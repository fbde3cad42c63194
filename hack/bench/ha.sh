#!/usr/bin/env bash
# ferry check's analysis on growing clusters (no peer tool does this
# arithmetic, so there is nothing to run side by side): 5 control-plane
# instances and N workers over three zones, N services of 3 replicas each.
# Then the whole "ferry check kops" command on each real kops spec.
set -euo pipefail
cd "$(dirname "$0")/../.."
source hack/lib.sh
mkdir -p "$FERRY_CACHE"
go test -run '^$' -bench 'BenchmarkAnalyze' -benchtime "${HA_BENCH_TIME:-20x}" ./internal/ha/
go build -o "$FERRY_CACHE/ferry-bench" ./cmd/ferry
for f in internal/ha/kops/testdata/real/*.yaml; do
  start=$(date +%s%N)
  for _ in $(seq 20); do "$FERRY_CACHE/ferry-bench" check kops "$f" >/dev/null || true; done
  echo "ferry check kops $(basename "$f"): $(( ($(date +%s%N) - start) / 20000000 )) ms per run (20 runs, process start included)"
done
