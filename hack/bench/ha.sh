#!/usr/bin/env bash
# ferry check's analysis on growing clusters (no peer tool does this
# arithmetic, so there is nothing to run side by side): 5 control-plane
# instances and N workers over three zones, N services of 3 replicas each.
# Then the whole "ferry check kops" command on each real kops spec.
set -euo pipefail
cd "$(dirname "$0")/../.."
source hack/lib.sh
mkdir -p "$FERRY_CACHE"
echo "== ferry check: analysis of 5 control-plane instances, N workers, N services (load average $(cut -d' ' -f1-3 /proc/loadavg))"
echo "   workers  services        ms   µs/worker"
go test -run '^$' -bench 'BenchmarkAnalyze' -benchtime "${HA_BENCH_TIME:-20x}" ./internal/ha/ |
  awk -F'[/= \t]+' '/^BenchmarkAnalyze/ {
    for (i = 1; i <= NF; i++) { if ($i == "workers") w = $(i+1); if ($i == "services") { s = $(i+1); sub(/-[0-9]+$/, "", s) }; if ($(i+1) == "ns") ns = $i }
    printf "   %7s %9s %9.1f %11.2f\n", w, s, ns / 1e6, ns / 1e3 / w }'
go build -o "$FERRY_CACHE/bench-bin/" ./cmd/ferry ./cmd/ferry-engine
for f in internal/ha/kops/testdata/real/*.yaml; do
  start=$(date +%s%N)
  for _ in $(seq 20); do "$FERRY_CACHE/bench-bin/ferry" check kops "$f" >/dev/null || true; done
  echo "ferry check kops $(basename "$f"): $(( ($(date +%s%N) - start) / 20000000 )) ms per run (20 runs, process start included)"
done
