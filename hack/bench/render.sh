#!/usr/bin/env bash
# Render benchmark (issue 2): "ferry render" vs "helm template" on an
# equivalent chart, same services, same machine, same run. Best of RUNS wall
# times for several service counts, so growth can be read off as well.
set -euo pipefail
cd "$(dirname "$0")/../.."
source hack/lib.sh
RUNS="${RUNS:-5}"
SIZES="${SIZES:-100 250 500 1000}"
helm="$(ferry::go_tool helm.sh/helm/v3/cmd/helm@v3.22.0)"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
go build -o "$work/ferry" ./cmd/ferry
go build -o "$work/rendergen" ./hack/bench/rendergen

# best_ms CMD... runs CMD RUNS times, discarding output, and prints the
# fastest wall time in milliseconds.
best_ms() {
  local best=""
  for _ in $(seq "$RUNS"); do
    local t0 t1; t0=$(date +%s%N); "$@" >/dev/null; t1=$(date +%s%N)
    local ms=$(( (t1 - t0) / 1000000 ))
    if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
  done
  echo "$best"
}

echo "== render: ferry render vs helm template (best of $RUNS, ms)"
printf "%-9s %10s %10s %8s %10s %10s\n" services ferry helm ratio "ferry/svc" objects
for n in $SIZES; do
  d="$work/$n"; mkdir -p "$d"
  "$work/rendergen" -n "$n" -dir "$d"
  objs_f=$("$work/ferry" render -f "$d/ferry.yaml" | grep -c '^kind:')
  objs_h=$("$helm" template bench hack/bench/chart -f "$d/values.yaml" | grep -c '^kind:')
  if [ "$objs_f" != "$objs_h" ]; then echo "object counts differ: ferry $objs_f, helm $objs_h" >&2; exit 1; fi
  f=$(best_ms "$work/ferry" render -f "$d/ferry.yaml")
  h=$(best_ms "$helm" template bench hack/bench/chart -f "$d/values.yaml")
  ratio=$(awk -v h="$h" -v f="$f" 'BEGIN { printf "%.1fx", h / (f > 0 ? f : 1) }')
  per=$(awk -v f="$f" -v n="$n" 'BEGIN { printf "%.3f", f / n }')
  printf "%-9s %10s %10s %8s %10s %10s\n" "$n" "$f" "$h" "$ratio" "$per" "$objs_f"
done
