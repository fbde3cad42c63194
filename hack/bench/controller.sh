#!/usr/bin/env bash
# hack/bench/controller.sh: N ServiceFiles of 5 services each (default 1000)
# created at once on a fresh local cluster; how long until the controller
# reports every one Synced, its peak memory, its CPU while idle afterwards
# and the API requests it sent per file — against the same files deployed
# with "ferry deploy" in a loop. Services have replicas: 0, so the figures
# are the controller's and the API server's, not kwok's pod simulation.
set -euo pipefail
cd "$(dirname "$0")/../.."
source hack/lib.sh
N="${N:-1000}"
IDLE="${IDLE:-30}"
bin="$(bash hack/tools.sh)"
kubectl="$bin/kubectl"
work="$(mktemp -d)"
kwokctl() {
  KWOK_WORKDIR="$work/kwok" KWOK_KUBECTL_BINARY="$kubectl" "$bin/kwokctl" "$@" --name ferry-bench-ctl
}
ctl_pid=""
cleanup() {
  [ -n "$ctl_pid" ] && kill "$ctl_pid" 2>/dev/null || true
  kwokctl delete cluster --kubeconfig "$work/kwok/kubeconfig" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
kwokctl create cluster --runtime binary --etcd-binary "$bin/etcd" \
  --kube-apiserver-binary "$bin/kube-apiserver" --kube-controller-manager-binary "$bin/kube-controller-manager" \
  --kube-scheduler-binary "$bin/kube-scheduler" --kwok-controller-binary "$bin/kwok" \
  --extra-args kube-apiserver=service-cluster-ip-range=10.96.0.0/16 \
  --kubeconfig "$work/kwok/kubeconfig" --quiet-pull --wait 2m --disable-qps-limits >"$work/kwokctl.log" 2>&1 ||
  { cat "$work/kwokctl.log" >&2; exit 1; }
export KUBECONFIG="$work/kwok/clusters/ferry-bench-ctl/kubeconfig.yaml"
"$kubectl" apply -f internal/testcluster/nodes.yaml >/dev/null
"$kubectl" apply --server-side -f internal/controller/crds/ >/dev/null
"$kubectl" wait --for=condition=Established crd/servicefiles.ferry.dev >/dev/null
"$kubectl" create namespace bench-ctl >/dev/null
"$kubectl" create namespace bench-cli >/dev/null
go build -o "$work/ferry" ./cmd/ferry

# One file per release: services f<i>-s<j>, the same for both sides.
mkdir -p "$work/files"
for i in $(seq 1 "$N"); do
  {
    printf 'apiVersion: ferry.dev/v1alpha1\nkind: ServiceFile\nmetadata: {name: f%d, namespace: bench-ctl}\nspec:\n  services:\n' "$i"
    for j in 1 2 3 4 5; do
      printf '    f%d-s%d: {image: "registry.example.com/s%d:1.0.%d", port: 8080, replicas: 0}\n' "$i" "$j" "$j" "$i"
    done
  } >> "$work/servicefiles.yaml"
  echo "---" >> "$work/servicefiles.yaml"
  {
    printf 'apiVersion: ferry.dev/v1alpha1\nkind: Services\ndefaults: {namespace: bench-cli}\nservices:\n'
    for j in 1 2 3 4 5; do
      printf '  f%d-s%d: {image: "registry.example.com/s%d:1.0.%d", port: 8080, replicas: 0}\n' "$i" "$j" "$j" "$i"
    done
  } > "$work/files/f$i.yaml"
done

now() { date +%s%N; }
metrics_port=$(( 20000 + RANDOM % 9000 ))
"$work/ferry" controller run --leader-elect=false -n bench-ctl --metrics-addr "127.0.0.1:$metrics_port" --resync 10m \
  2>"$work/controller.log" &
ctl_pid=$!
sleep 2
requests() { curl -s "http://127.0.0.1:$metrics_port/metrics" | awk '/^rest_client_requests_total/ {s+=$NF} END {print s+0}'; }
before=$(requests)
t0=$(now)
"$kubectl" apply -f "$work/servicefiles.yaml" >/dev/null
while :; do
  synced=$("$kubectl" get servicefiles -n bench-ctl -o jsonpath='{range .items[*]}{.status.sync}{"\n"}{end}' | grep -c '^Synced$' || true)
  [ "$synced" -ge "$N" ] && break
  sleep 1
done
t1=$(now)
after=$(requests)
hwm=$(awk '/VmHWM/ {print $2}' /proc/$ctl_pid/status)
cpu0=$(awk '{print $14+$15}' /proc/$ctl_pid/stat)
sleep "$IDLE"
cpu1=$(awk '{print $14+$15}' /proc/$ctl_pid/stat)
idle_requests=$(( $(requests) - after ))
tick=$(getconf CLK_TCK)

t2=$(now)
for i in $(seq 1 "$N"); do
  "$work/ferry" deploy -f "$work/files/f$i.yaml" --wait=false >/dev/null 2>>"$work/deploy.log" || { cat "$work/deploy.log" >&2; exit 1; }
done
t3=$(now)

ms() { echo $(( ($2 - $1) / 1000000 )); }
echo "controller: $N ServiceFiles x 5 services all Synced in $(ms "$t0" "$t1") ms"
echo "controller: peak RSS $((hwm / 1024)) MiB; idle CPU over ${IDLE}s: $(awk -v a="$cpu0" -v b="$cpu1" -v t="$tick" -v s="$IDLE" 'BEGIN {printf "%.2f%% of a core", (b-a)/t/s*100}')"
echo "controller: API requests $((after - before)) to sync ($(awk -v r=$((after - before)) -v n="$N" 'BEGIN {printf "%.1f", r/n}') per file), $idle_requests while idle"
echo "ferry deploy loop: $N files in $(ms "$t2" "$t3") ms"
echo "ratio (controller / deploy loop): $(awk -v a="$(ms "$t0" "$t1")" -v b="$(ms "$t2" "$t3")" 'BEGIN {printf "%.2f", a/b}')"
