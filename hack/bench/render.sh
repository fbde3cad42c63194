#!/usr/bin/env bash
# Render benchmark (issues 2 and 17): "ferry render" vs "helm template" on
# an equivalent chart, same services, same machine, same run, beside the
# floors no renderer can beat: a Go process that reads the same file and
# writes the same bytes with nothing in between (hack/bench/iofloor) and
# the ferry binary starting and exiting ("ferry version"); and the same
# render in ferry-engine, the binary that links every command (what one
# binary for every command costs render at each start: ferry was that
# binary until 2 Dec). Each round runs
# every command once, interleaved; the median of RUNS rounds is printed,
# for several service counts so growth can be read off as well; then where
# ferry's start goes (GODEBUG=inittrace=1).
set -euo pipefail
cd "$(dirname "$0")/../.."
source hack/lib.sh
RUNS="${RUNS:-5}"
SIZES="${SIZES:-100 1000 10000}"
helm="$(ferry::go_tool helm.sh/helm/v3/cmd/helm@v3.22.0)"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
go build -o "$work/" ./cmd/ferry ./cmd/ferry-engine ./hack/bench/rendergen ./hack/bench/iofloor

# ms CMD... prints CMD's wall time in milliseconds, output discarded.
ms() {
  local t0 t1; t0=$(date +%s%N); "$@" >/dev/null; t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000000 ))
}
median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1fx", a / (b > 0 ? b : 1) }'; }
echo "== render: ferry render vs helm template (median of $RUNS interleaved rounds, ms; load average $(cut -d' ' -f1-3 /proc/loadavg))"
printf "%-9s %8s %8s %8s %8s %8s %8s %10s %10s %10s %8s\n" services io-floor start start-e ferry engine helm helm/ferry ferry/floor "ferry/svc" objects
for n in $SIZES; do
  d="$work/$n"; mkdir -p "$d"
  "$work/rendergen" -n "$n" -dir "$d"
  objs_f=$("$work/ferry" render -f "$d/ferry.yaml" | grep -c '^kind:')
  objs_h=$("$helm" template bench hack/bench/chart -f "$d/values.yaml" | grep -c '^kind:')
  if [ "$objs_f" != "$objs_h" ]; then echo "object counts differ: ferry $objs_f, helm $objs_h" >&2; exit 1; fi
  "$work/ferry" render -f "$d/ferry.yaml" >"$d/rendered.yaml"
  "$work/ferry-engine" render -f "$d/ferry.yaml" | cmp -s - "$d/rendered.yaml" || { echo "ferry-engine render prints other bytes" >&2; exit 1; }
  for _ in $(seq "$RUNS"); do
    ms "$work/iofloor" -f "$d/ferry.yaml" -out "$d/rendered.yaml" >>"$d/io"
    ms "$work/ferry" version >>"$d/start"
    ms "$work/ferry-engine" version >>"$d/start-e"
    ms "$work/ferry" render -f "$d/ferry.yaml" >>"$d/ferry"
    ms "$work/ferry-engine" render -f "$d/ferry.yaml" >>"$d/engine"
    ms "$helm" template bench hack/bench/chart -f "$d/values.yaml" >>"$d/helm"
  done
  io=$(median <"$d/io"); start=$(median <"$d/start"); starte=$(median <"$d/start-e")
  f=$(median <"$d/ferry"); fe=$(median <"$d/engine"); h=$(median <"$d/helm")
  per=$(awk -v f="$f" -v n="$n" 'BEGIN { printf "%.3f", f / n }')
  printf "%-9s %8s %8s %8s %8s %8s %8s %10s %10s %10s %8s\n" "$n" "$io" "$start" "$starte" "$f" "$fe" "$h" "$(ratio "$h" "$f")" "$(ratio "$f" "$((io > start ? io : start))")" "$per" "$objs_f"
done
echo "start-e and engine: ferry-engine version and render, the binary with every command"
echo "goal: helm/ferry >= 20x at 1000 services, ferry/svc flat to 10000; ferry/floor is ferry over the larger of the two floors"
echo "== render: package initialisation of the ferry binary (GODEBUG=inittrace=1 ferry version; median of 5 runs, then the 6 slowest packages of one run)"
for _ in 1 2 3 4 5; do
  GODEBUG=inittrace=1 "$work/ferry" version 2>&1 >/dev/null | awk '/^init / {s += $5} END {printf "%.1f\n", s}'
done | sort -g | awk '{v[NR]=$1} END {printf "   %d runs: init total %s ms (min %s, max %s)\n", NR, v[3], v[1], v[5]}'
GODEBUG=inittrace=1 "$work/ferry" version 2>&1 >/dev/null | sort -t' ' -k5 -g -r | head -6 | awk '{printf "   %-50s %s ms\n", $2, $5}'
