#!/usr/bin/env bash
# Deploy benchmark (issues 5 and 17): N services from one file to a local
# cluster of its own (the control plane and six kwok nodes of
# hack/cluster.sh, configured by internal/testcluster/kwok-config.yaml with
# the /16 Service range, in a temporary directory, so nothing else running
# disturbs the timings), timed in the same run on the same cluster for
#   floor:   hack/bench/deployfloor: one concurrent create per object, no
#            client rate limit, then a watch until every Deployment is
#            Available: what no client can beat
#   ssa:     the same with server-side applies instead of creates: what
#            no applying client (ferry, kubectl --server-side) can beat
#   ferry:   ferry deploy -f ferry.yaml
#   kubectl: kubectl apply --server-side -f rendered.yaml, then
#            kubectl rollout status for each Deployment
#   helm:    helm upgrade --install --wait of the equivalent chart
# For each size in SIZES (default "10 50 200") a first deploy (create +
# roll out) by each, the median of ROUNDS rounds (default 3; one round at
# sizes above 50); at N=50 also a change of every image (a rolling update
# of all 50) and the same file again (nothing to do). Each tool and size has
# its own namespace. Then ferry's library runs beside an independent watch
# (deployfloor -ferry) to break ferry's time down: apply, waiting for the
# controllers, watch latency.
#
# The cluster's own components run without client-side QPS limits
# (kwokctl --disable-qps-limits; QPS_LIMITS=1 keeps kube-controller-manager's
# default 20 requests/s). The bench nodes have room for 2000 pods, 1000 CPUs
# and 4 TiB each (nodes.yaml says 110, 32, 128 GiB), so every tool's runs
# of every size fit at once.
set -euo pipefail
cd "$(dirname "$0")/../.."
source hack/lib.sh
source hack/lib-k8s.sh
SIZES="${SIZES:-10 50 200}"
ROUNDS="${ROUNDS:-3}"
helm="$(ferry::go_tool helm.sh/helm/v3/cmd/helm@v3.22.0)"
bin="$(bash hack/tools.sh)"
kubectl="$bin/kubectl"
work="$(mktemp -d)"
kwokctl() {
  KWOK_WORKDIR="$work/kwok" KWOK_KUBECTL_BINARY="$kubectl" "$bin/kwokctl" "$@" --name ferry-bench
}
cleanup() {
  kwokctl delete cluster --kubeconfig "$work/kwok/kubeconfig" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/kwok"
ferry::kwok_config >"$work/kwok/kwok.yaml"
kwokctl create cluster --runtime binary --etcd-binary "$bin/etcd" \
  --kube-apiserver-binary "$bin/kube-apiserver" --kube-controller-manager-binary "$bin/kube-controller-manager" \
  --kube-scheduler-binary "$bin/kube-scheduler" --kwok-controller-binary "$bin/kwok" \
  --kubeconfig "$work/kwok/kubeconfig" --quiet-pull --wait 2m \
  $([ "${QPS_LIMITS:-0}" = 1 ] || echo --disable-qps-limits) >"$work/kwokctl.log" 2>&1 ||
  { cat "$work/kwokctl.log" >&2; exit 1; }
export KUBECONFIG="$work/kwok/clusters/ferry-bench/kubeconfig.yaml"
# bench_nodes: the shared nodes, with room for every tool's pods at once.
bench_nodes() {
  sed -e 's/pods: "110"/pods: "2000"/' -e 's/cpu: "32"/cpu: "1000"/' -e 's/memory: 128Gi/memory: 4Ti/' "$1"
}
bench_nodes internal/testcluster/nodes.yaml | "$kubectl" apply -f - >/dev/null
"$kubectl" wait --for=condition=Ready node -l type=kwok --timeout=120s >/dev/null

go build -o "$work/" ./cmd/ferry ./cmd/ferry-engine
go build -o "$work/rendergen" ./hack/bench/rendergen
go build -o "$work/deployfloor" ./hack/bench/deployfloor

# inputs N R writes, for each tool x, $work/N-R/x1.yaml (the file of round
# R) and x2.yaml (every image tag, and the chart's version label, moved on).
# Every tool, size and round has a namespace of its own: bench-x-N-R.
inputs() {
  local k="$1-$2" d="$work/$1-$2"
  mkdir -p "$d"
  "$work/rendergen" -n "$1" -dir "$d"
  for x in floor ssa ferry kubectl lib; do
    sed "s/namespace: bench\$/namespace: bench-$x-$k/" "$d/ferry.yaml" >"$d/${x}1.yaml"
  done
  sed "s/^namespace: bench\$/namespace: bench-helm-$k/" "$d/values.yaml" >"$d/helm1.yaml"
  for x in ferry kubectl helm; do sed 's/1\.0\./1.1./g' "$d/${x}1.yaml" >"$d/${x}2.yaml"; done
  for v in 1 2; do "$work/ferry" render -f "$d/kubectl$v.yaml" >"$d/kubectl$v.rendered.yaml"; done
}

ms() { echo $(( ($2 - $1) / 1000000 )); }

# x_deploy K V deploys version V of size-and-round K (N-R) with tool x.
floor_deploy() {
  "$work/deployfloor" -f "$work/$1/floor1.yaml" -n "bench-floor-$1" >"$work/$1/floor.out"
}
ssa_deploy() {
  "$work/deployfloor" -ssa -f "$work/$1/ssa1.yaml" -n "bench-ssa-$1" >"$work/$1/ssa.out"
}
ferry_deploy() {
  cp "$work/$1/ferry$2.yaml" "$work/$1/bench.yaml"
  "$work/ferry" deploy -f "$work/$1/bench.yaml" -n "bench-ferry-$1" --timeout 10m >/dev/null 2>"$work/ferry.log"
}
kubectl_deploy() {
  "$kubectl" apply --server-side -f "$work/$1/kubectl$2.rendered.yaml" >/dev/null
  for i in $(seq 0 $((${1%-*} - 1))); do
    "$kubectl" rollout status -n "bench-kubectl-$1" "deployment/svc-$i" --timeout 10m >/dev/null
  done
}
helm_deploy() {
  "$helm" upgrade --install "bench-helm-$1" hack/bench/chart -n default -f "$work/$1/helm$2.yaml" --wait --timeout 10m >/dev/null
}
timed() { # step tool N R [version]
  local t0 t1; t0=$(date +%s%N); "${2}_deploy" "$3-$4" "${5:-1}"; t1=$(date +%s%N)
  t[$1.$2.$3.$4]=$(ms "$t0" "$t1")
}
# median STEP TOOL N: the median over the rounds of size N.
median() {
  for r in $(seq "$(rounds "$3")"); do echo "${t[$1.$2.$3.$r]}"; done | sort -g |
    awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'
}
# rounds N: ROUNDS rounds up to 50 services, one above (a round of 200
# services takes minutes).
rounds() { if [ "$1" -le 50 ]; then echo "$ROUNDS"; else echo 1; fi; }

declare -A t
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
for n in $SIZES; do
  for r in $(seq "$(rounds "$n")"); do
    inputs "$n" "$r"
    for tool in floor ssa ferry kubectl helm; do timed create "$tool" "$n" "$r"; done
    "$work/deployfloor" -ferry -f "$work/$n-$r/lib1.yaml" -n "bench-lib-$n-$r" >"$work/$n-$r/lib.out"
  done
done
case " $SIZES " in *" 50 "*)
  for tool in ferry kubectl helm; do timed update "$tool" 50 1 2; done
  for tool in ferry kubectl helm; do timed unchanged "$tool" 50 1 2; done
esac
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

x() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / (b > 0 ? b : 1) }'; }
echo "== deploy: QPS_LIMITS=${QPS_LIMITS:-0}, 5 objects and 3 pods per service, wall ms (process start included), create: median of $ROUNDS rounds up to 50 services; load average $load_before before, $load_after after"
row="%-9s %4s %6s %6s %6s %7s %6s %8s %8s %8s %8s %8s %9s\n"
printf "$row" step N floor ssa ferry kubectl helm ferry/fl ferry/ssa helm/fl kctl/fl ferry/hlm ferry/kctl
for n in $SIZES; do
  f="$(median create floor "$n")" s="$(median create ssa "$n")" a="$(median create ferry "$n")"
  k="$(median create kubectl "$n")" h="$(median create helm "$n")"
  printf "$row" create "$n" "$f" "$s" "$a" "$k" "$h" \
    "$(x "$a" "$f")" "$(x "$a" "$s")" "$(x "$h" "$f")" "$(x "$k" "$f")" "$(x "$a" "$h")" "$(x "$a" "$k")"
done
for step in update unchanged; do
  [ -n "${t[$step.ferry.50.1]:-}" ] || continue
  a="${t[$step.ferry.50.1]}" k="${t[$step.kubectl.50.1]}" h="${t[$step.helm.50.1]}"
  printf "$row" "$step" 50 - - "$a" "$k" "$h" - - - - "$(x "$a" "$h")" "$(x "$a" "$k")"
done
echo "floors, inside their process (ms since start): all created (applied), all Available; controllers = Available - created"
for d in "$work"/*-*/; do
  k="$(basename "$d")"; echo "  N-round $k: create $(cat "$d/floor.out")"; echo "  N-round $k: ssa    $(cat "$d/ssa.out")"
done
echo "ferry's library beside an independent watch (ms since start): last object applied, watch saw all Available, ferry returned"
for d in "$work"/*-*/; do echo "  N-round $(basename "$d"): $(cat "$d/lib.out")"; done
echo "goals: ferry/floor <= 1.15x, ferry/helm <= 0.50x (create), ferry/kubectl <= 0.70x, ferry unchanged < 1000 ms"
