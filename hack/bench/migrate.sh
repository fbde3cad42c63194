#!/usr/bin/env bash
# Decision latency of ferry's automatic rollback (cluster starts failing →
# DNS back at legacy 100%) with default gate settings, next to Flagger's
# default analysis (interval 60s × failed-checks threshold), and a healthy
# run that must finish without a rollback or a failed request.
set -euo pipefail
cd "$(dirname "$0")/../.."
source hack/lib.sh
runs="${FERRY_BENCH_RUNS:-5}"
echo "== migrate: decision latency, ${runs} runs of ferry demo --fail-at 50 (a batch of probes every 1s, act after 3 failing evaluations in a row)"
out="$(go test -run '^$' -bench BenchmarkDecisionLatency -benchtime "${runs}x" ./internal/demo/)"
echo "$out" | grep -E 'Benchmark|ok'
line="$(echo "$out" | grep BenchmarkDecisionLatency)"
mean="$(echo "$line" | awk '{for (i=1;i<=NF;i++) if ($i=="decision-s") print $(i-1)}')"
worst="$(echo "$line" | awk '{for (i=1;i<=NF;i++) if ($i=="worst-decision-s") print $(i-1)}')"
echo "ferry:   mean ${mean}s, worst ${worst}s from failure to legacy 100% in DNS"
echo "flagger: analysis interval 60s (default) x threshold (1 when unset; 5 in its docs' examples) = 60s to 300s"
awk -v m="$mean" 'BEGIN { printf "ratio:   %.0fx faster than 60s, %.0fx faster than 300s (goal: under 6s, 10x)\n", 60/m, 300/m }'
echo "== migrate: healthy run (no false rollback, zero failed requests)"
bin="${TMPDIR:-/tmp}/ferry-bench-bin"
go build -o "$bin/" ./cmd/ferry ./cmd/ferry-engine
"$bin/ferry" demo --hold 5s -o json 2>/dev/null | grep -E '^  "(result|requests|failed)"'
