#!/usr/bin/env bash
# Deploy benchmark (issue 5): 50 services from one file to a local cluster
# of its own (the same control plane and six kwok nodes as hack/cluster.sh,
# in a temporary directory, so nothing else running disturbs the timings),
# timed in the same run on the same cluster for
#   ferry:   ferry deploy -f ferry.yaml
#   kubectl: kubectl apply --server-side -f rendered.yaml, then
#            kubectl rollout status for each Deployment
#   helm:    helm upgrade --install --wait of the equivalent chart
# three times each: a first deploy (create + roll out), a change of every
# image (a rolling update of all 50), and the same file again (nothing to do).
# Each tool works in its own namespace. The cluster's own components run
# without client-side QPS limits (kwokctl --disable-qps-limits; QPS_LIMITS=1
# keeps kube-controller-manager's default 20 requests/s), so that what is
# measured is the tools and the rollout, not that one rate limiter.
set -euo pipefail
cd "$(dirname "$0")/../.."
source hack/lib.sh
N="${N:-50}"
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
kwokctl create cluster --runtime binary --etcd-binary "$bin/etcd" \
  --kube-apiserver-binary "$bin/kube-apiserver" --kube-controller-manager-binary "$bin/kube-controller-manager" \
  --kube-scheduler-binary "$bin/kube-scheduler" --kwok-controller-binary "$bin/kwok" \
  --kubeconfig "$work/kwok/kubeconfig" --quiet-pull --wait 2m \
  $([ "${QPS_LIMITS:-0}" = 1 ] || echo --disable-qps-limits) >"$work/kwokctl.log" 2>&1 ||
  { cat "$work/kwokctl.log" >&2; exit 1; }
export KUBECONFIG="$work/kwok/clusters/ferry-bench/kubeconfig.yaml"
"$kubectl" apply -f internal/testcluster/nodes.yaml >/dev/null
"$kubectl" wait --for=condition=Ready node -l type=kwok --timeout=120s >/dev/null

go build -o "$work/ferry" ./cmd/ferry
go build -o "$work/rendergen" ./hack/bench/rendergen
"$work/rendergen" -n "$N" -dir "$work"
sed 's/namespace: bench$/namespace: bench-ferry/' "$work/ferry.yaml" > "$work/f1.yaml"
sed 's/namespace: bench$/namespace: bench-kubectl/' "$work/ferry.yaml" > "$work/k1.yaml"
sed 's/^namespace: bench$/namespace: bench-helm/' "$work/values.yaml" > "$work/h1.yaml"
# The change: every image tag (and the chart's version label) moves on.
for x in f k h; do sed 's/1\.0\./1.1./g' "$work/${x}1.yaml" > "$work/${x}2.yaml"; done
for v in 1 2; do "$work/ferry" render -f "$work/k$v.yaml" > "$work/k$v.rendered.yaml"; done

ms() { echo $(( ($2 - $1) / 1000000 )); }

ferry_deploy() {
  cp "$work/f$1.yaml" "$work/bench.yaml"
  "$work/ferry" deploy -f "$work/bench.yaml" -n bench-ferry --timeout 10m >/dev/null 2>"$work/ferry.log"
}
kubectl_deploy() {
  "$kubectl" apply --server-side -f "$work/k$1.rendered.yaml" >/dev/null
  for i in $(seq 0 $((N - 1))); do
    "$kubectl" rollout status -n bench-kubectl "deployment/svc-$i" --timeout 10m >/dev/null
  done
}
helm_deploy() {
  "$helm" upgrade --install bench-helm hack/bench/chart -n default -f "$work/h$1.yaml" --wait --timeout 10m >/dev/null
}

declare -A t
for step in create:1 update:2 unchanged:2; do
  name="${step%%:*}" v="${step##*:}"
  for tool in ferry kubectl helm; do
    t0=$(date +%s%N); "${tool}_deploy" "$v"; t1=$(date +%s%N)
    t[$tool.$name]=$(ms "$t0" "$t1")
  done
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / (b > 0 ? b : 1) }'; }
echo "== deploy: QPS_LIMITS=${QPS_LIMITS:-0}, $N services ($(grep -c '^kind:' "$work/k1.rendered.yaml") objects, $((N * 3)) pods) to the local cluster, wall ms"
printf "%-10s %8s %8s %8s %14s %14s\n" step ferry kubectl helm "ferry/kubectl" "ferry/helm"
for name in create update unchanged; do
  printf "%-10s %8s %8s %8s %14s %14s\n" "$name" "${t[ferry.$name]}" "${t[kubectl.$name]}" "${t[helm.$name]}" \
    "$(ratio "${t[ferry.$name]}" "${t[kubectl.$name]}")" "$(ratio "${t[ferry.$name]}" "${t[helm.$name]}")"
done
echo "goals: ferry/helm <= 0.50x, ferry/kubectl <= 0.70x, ferry unchanged < 1000 ms"
