#!/usr/bin/env bash
# hack/bench/controller.sh: for each N in SIZES (default 1000), N
# ServiceFiles of 5 services each created at once on a fresh local cluster
# of their own (the control plane and kwok nodes of hack/cluster.sh, with
# internal/testcluster/kwok-config.yaml and ports of its own); how long
# until the controller reports every one Synced, its peak memory, its CPU
# and requests while idle afterwards (IDLE seconds, default 30) and the API
# requests it sent per file, by verb and resource — against the same files
# deployed with "ferry deploy" in a loop (DEPLOY_LOOP=0 skips the loop),
# and against the floor: the same objects applied at once, with nothing
# else, on a fresh cluster (FLOOR=0 skips it).
# Idle is measured once every file is Synced and Healthy (the Deployment
# controller's status updates after Synced are reported apart). RESYNC
# sets the controller's --resync (default: the controller's default).
# Services have replicas: 0, so the figures are the controller's and the
# API server's, not kwok's pod simulation. PPROF_DIR=dir keeps a heap
# profile taken when all are Synced and a CPU profile of the sync.
# CTL_GOMEMLIMIT sets GOMEMLIMIT for the controller alone, as "ferry
# controller install" does (default 115MiB, the install's for its default
# 128Mi limit; empty: none); CTL_GOGC its GOGC (default: the controller's own).
set -euo pipefail
cd "$(dirname "$0")/../.."
source hack/lib.sh
source hack/lib-k8s.sh
SIZES="${SIZES:-${N:-1000}}"
IDLE="${IDLE:-30}"
RESYNC="${RESYNC:-}"
CTL_GOMEMLIMIT="${CTL_GOMEMLIMIT-115MiB}"
CTL_GOGC="${CTL_GOGC-}"
DEPLOY_LOOP="${DEPLOY_LOOP:-1}"
FLOOR="${FLOOR:-1}"
bin="$(bash hack/tools.sh)"
kubectl="$bin/kubectl"
top="$(mktemp -d)"
work=""
ctl_pid=""
kwokctl() {
  KWOK_WORKDIR="$work/kwok" KWOK_KUBECTL_BINARY="$kubectl" "$bin/kwokctl" "$@" --name ferry-bench-ctl
}
stop_run() {
  if [ -n "$ctl_pid" ]; then kill "$ctl_pid" 2>/dev/null || true; wait "$ctl_pid" 2>/dev/null || true; fi
  ctl_pid=""
  if [ -n "$work" ]; then kwokctl delete cluster --kubeconfig "$work/kwok/kubeconfig" >/dev/null 2>&1 || true; fi
}
cleanup() {
  stop_run
  rm -rf "$top"
}
trap cleanup EXIT
go build -o "$top/" ./cmd/ferry ./cmd/ferry-engine ./cmd/ferry-controller
go build -o "$top/deployfloor" ./hack/bench/deployfloor

now() { date +%s%N; }
ms() { echo $(( ($2 - $1) / 1000000 )); }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# metrics prints the controller's requests as "verb resource count" lines.
metrics() {
  curl -s "http://127.0.0.1:$metrics_port/metrics" |
    awk '/^ferry_controller_api_requests_total/ {
      match($0, /resource="[^"]*"/); r = substr($0, RSTART + 10, RLENGTH - 11)
      match($0, /verb="[^"]*"/); v = substr($0, RSTART + 6, RLENGTH - 7)
      print v, r, $NF }'
}
# cluster_cpu prints "component ticks" for the cluster's processes (kwokctl
# keeps their pids), to see whose CPU a sync costs.
cluster_cpu() {
  local f
  for f in "$work"/kwok/clusters/ferry-bench-ctl/pids/*.pid; do
    [ -f "$f" ] || continue
    echo "$(basename "$f" .pid) $(awk '{print $14+$15}' "/proc/$(cat "$f")/stat" 2>/dev/null || echo 0)"
  done
  echo "ferry-controller $(awk '{print $14+$15}' "/proc/$ctl_pid/stat")"
}
total() { awk '{s += $3} END {print s + 0}' "$1"; }
# breakdown prints, per verb and resource, the requests between two
# metrics snapshots, per file; the largest first.
breakdown() {
  awk -v n="$3" 'NR == FNR {a[$1" "$2] = $3; next} {d = $3 - a[$1" "$2]; if (d > 0) printf "      %-14s %-28s %8d  %6.2f per file\n", $1, $2, d, d / n}' "$1" "$2" |
    sort -k3 -n -r
}

# await_all FIELD VALUE N polls until N ServiceFiles of bench-ctl have
# status.FIELD = VALUE.
await_all() {
  local got
  while :; do
    got=$("$kubectl" get servicefiles -n bench-ctl -o jsonpath="{range .items[*]}{.status.$1}{\"\\n\"}{end}" | grep -c "^$2\$" || true)
    [ "$got" -ge "$3" ] && return
    sleep 1
  done
}

# files writes N ServiceFiles (one stream) and N service files for "ferry
# deploy": services f<i>-s<j>, the same for both sides.
files() {
  local n="$1" i j
  mkdir -p "$work/files"
  for i in $(seq 1 "$n"); do
    {
      printf 'apiVersion: ferry.dev/v1alpha1\nkind: ServiceFile\nmetadata: {name: f%d, namespace: bench-ctl}\nspec:\n  services:\n' "$i"
      for j in 1 2 3 4 5; do
        printf '    f%d-s%d: {image: "registry.example.com/s%d:1.0.%d", port: 8080, replicas: 0}\n' "$i" "$j" "$j" "$i"
      done
      echo "---"
    } >>"$work/servicefiles-$((i % 4)).yaml"
    {
      printf 'apiVersion: ferry.dev/v1alpha1\nkind: Services\ndefaults: {namespace: bench-cli}\nservices:\n'
      for j in 1 2 3 4 5; do
        printf '  f%d-s%d: {image: "registry.example.com/s%d:1.0.%d", port: 8080, replicas: 0}\n' "$i" "$j" "$j" "$i"
      done
    } >"$work/files/f$i.yaml"
  done
}

# new_cluster starts a fresh local cluster for N files in $top/DIR and
# writes the files there.
new_cluster() {
  local n="$1"
  work="$top/$2"
  mkdir -p "$work/kwok"
  ferry::kwok_config >"$work/kwok/kwok.yaml"
  kwokctl create cluster --runtime binary --etcd-binary "$bin/etcd" \
    --kube-apiserver-binary "$bin/kube-apiserver" --kube-controller-manager-binary "$bin/kube-controller-manager" \
    --kube-scheduler-binary "$bin/kube-scheduler" --kwok-controller-binary "$bin/kwok" \
    --kubeconfig "$work/kwok/kubeconfig" --quiet-pull --wait 2m --disable-qps-limits >"$work/kwokctl.log" 2>&1 ||
    { cat "$work/kwokctl.log" >&2; exit 1; }
  export KUBECONFIG="$work/kwok/clusters/ferry-bench-ctl/kubeconfig.yaml"
  "$kubectl" apply -f internal/testcluster/nodes.yaml >/dev/null
  "$kubectl" apply --server-side -f internal/controller/crds/ >/dev/null
  # kubectl wait fails, rather than waits, on a CRD with no conditions yet.
  for _ in $(seq 100); do
    "$kubectl" wait --for=condition=Established crd/servicefiles.ferry.dev >/dev/null 2>&1 && break
    sleep 0.2
  done
  "$kubectl" wait --for=condition=Established crd/servicefiles.ferry.dev >/dev/null
  "$kubectl" create namespace bench-ctl >/dev/null
  "$kubectl" create namespace bench-cli >/dev/null
  files "$n"
}

run() {
  local n="$1"
  new_cluster "$n" "n$n"

  metrics_port=$(( 20000 + RANDOM % 9000 ))
  local pprof_port=$(( metrics_port + 1 ))
  env GOMEMLIMIT="$CTL_GOMEMLIMIT" ${CTL_GOGC:+GOGC="$CTL_GOGC"} "$top/ferry" controller run --leader-elect=false -n bench-ctl ${RESYNC:+--resync "$RESYNC"} \
    --metrics-addr "127.0.0.1:$metrics_port" --pprof-addr "127.0.0.1:$pprof_port" 2>"$work/controller.log" &
  ctl_pid=$!
  until curl -sf "http://127.0.0.1:$metrics_port/metrics" >/dev/null; do sleep 0.2; done
  # Anonymous memory (heap, stacks: what grows with N) sampled twice a
  # second while the controller lives; VmHWM adds the binary's file pages.
  (while [ -r "/proc/$ctl_pid/status" ]; do awk '/^RssAnon/ {print $2}' "/proc/$ctl_pid/status" 2>/dev/null || true; sleep 0.5; done) >"$work/anon" &
  sleep 2
  local load0 t0 tc t1 th rss0 hwm heap live cpu0 cpu1 tick cpu_prof="" k
  load0="$(loadavg)"
  rss0=$(awk '/VmRSS/ {print $2}' "/proc/$ctl_pid/status")
  metrics >"$work/m0"
  cluster_cpu >"$work/cpu0"
  t0=$(now)
  # Created at once: four kubectl processes, a quarter of the files each.
  local creators=()
  for k in 0 1 2 3; do
    [ -s "$work/servicefiles-$k.yaml" ] || continue
    "$kubectl" create -f "$work/servicefiles-$k.yaml" >/dev/null & creators+=($!)
  done
  wait "${creators[@]}"
  tc=$(now)
  if [ -n "${PPROF_DIR:-}" ]; then
    mkdir -p "$PPROF_DIR"
    curl -s -o "$PPROF_DIR/cpu-sync-n$n.pprof" "http://127.0.0.1:$pprof_port/debug/pprof/profile?seconds=20" & cpu_prof=$!
  fi
  await_all sync Synced "$n"
  t1=$(now)
  metrics >"$work/m1"
  cluster_cpu >"$work/cpu1"
  [ -n "${PPROF_DIR:-}" ] && curl -s -o "$PPROF_DIR/heap-synced-n$n.pprof" "http://127.0.0.1:$pprof_port/debug/pprof/heap"
  await_all health Healthy "$n"
  th=$(now)
  metrics >"$work/m1h"
  cpu0=$(awk '{print $14+$15}' "/proc/$ctl_pid/stat")
  sleep "$IDLE"
  cpu1=$(awk '{print $14+$15}' "/proc/$ctl_pid/stat")
  metrics >"$work/m2"
  hwm=$(awk '/VmHWM/ {print $2}' "/proc/$ctl_pid/status")
  # The heap after the idle window: live objects plus garbage not yet collected.
  heap=$(curl -s "http://127.0.0.1:$metrics_port/metrics" | awk '/^go_memstats_heap_alloc_bytes / {printf "%d", $2 / 1048576}')
  # What is live once collected (the profile's ?gc=1 collects first): the
  # cache and what the controller keeps.
  curl -s -o "$work/heap-idle.pprof" "http://127.0.0.1:$pprof_port/debug/pprof/heap?gc=1"
  [ -n "${PPROF_DIR:-}" ] && cp "$work/heap-idle.pprof" "$PPROF_DIR/heap-idle-n$n.pprof"
  live=$(curl -s "http://127.0.0.1:$metrics_port/metrics" | awk '/^go_memstats_heap_alloc_bytes / {printf "%.1f", $2 / 1048576}')
  tick=$(getconf CLK_TCK)
  [ -n "$cpu_prof" ] && wait "$cpu_prof"
  local sync_req idle_req
  sync_req=$(( $(total "$work/m1") - $(total "$work/m0") ))
  idle_req=$(( $(total "$work/m2") - $(total "$work/m1h") ))

  echo "== controller N=$n: $n ServiceFiles x 5 services (load average $load0 before, $(loadavg) after the idle window)"
  echo "   all Synced in $(ms "$t0" "$t1") ms (all created by kubectl in $(ms "$t0" "$tc") ms)"
  echo "   all Healthy $(ms "$t1" "$th") ms after that ($(( $(total "$work/m1h") - $(total "$work/m1") )) requests: health in status)"
  echo "   peak RSS $((hwm / 1024)) MiB ($((rss0 / 1024)) MiB before the files), heap ${heap} MiB after idle, ${live} MiB live${CTL_GOMEMLIMIT:+ (GOMEMLIMIT $CTL_GOMEMLIMIT)}${CTL_GOGC:+ (GOGC $CTL_GOGC)}"
  echo "   peak anonymous RSS $(sort -n "$work/anon" | tail -1 | awk '{printf "%d", $1 / 1024}') MiB (sampled every 0.5 s: the heap and stacks, without the binary's file pages)"
  echo "   RSS after idle: $(awk '/^Rss(Anon|File)/ {printf "%s %d MiB  ", $1, $2 / 1024}' "/proc/$ctl_pid/status")(file: the binary's pages)"
  echo "   CPU seconds during the sync: $(awk -v t="$(getconf CLK_TCK)" 'NR == FNR {a[$1] = $2; next} {printf "%s %.1f  ", $1, ($2 - a[$1]) / t}' "$work/cpu0" "$work/cpu1")"
  echo "   idle over ${IDLE}s: $(awk -v a="$cpu0" -v b="$cpu1" -v t="$tick" -v s="$IDLE" 'BEGIN {printf "%.2f%% of a core", (b-a)/t/s*100}'), $idle_req API requests"
  echo "   API requests to sync: $sync_req ($(awk -v r="$sync_req" -v n="$n" 'BEGIN {printf "%.1f", r/n}') per file):"
  breakdown "$work/m0" "$work/m1" "$n"
  if [ "$idle_req" -gt 0 ]; then
    echo "   API requests while idle:"
    breakdown "$work/m1h" "$work/m2" "$n"
  fi
  kill "$ctl_pid" 2>/dev/null || true
  wait "$ctl_pid" 2>/dev/null || true
  ctl_pid=""

  if [ "$DEPLOY_LOOP" = 1 ]; then
    local t2 t3 i
    t2=$(now)
    for i in $(seq 1 "$n"); do
      "$top/ferry" deploy -f "$work/files/f$i.yaml" --wait=false >/dev/null 2>>"$work/deploy.log" || { cat "$work/deploy.log" >&2; exit 1; }
    done
    t3=$(now)
    echo "   ferry deploy loop: $n files in $(ms "$t2" "$t3") ms (load average $(loadavg) after)"
    echo "   ratio (controller / deploy loop): $(awk -v a="$(ms "$t0" "$t1")" -v b="$(ms "$t2" "$t3")" 'BEGIN {printf "%.2f", a/b}')"
  fi
  stop_run
  work=""
  [ "$FLOOR" = 1 ] && floor "$n" "$(ms "$t0" "$t1")"
  return 0
}

# floor: on a fresh cluster of its own, every object the N files render
# server-side applied at once, 64 in flight (hack/bench/deployfloor -ssa:
# no client rate limit, no records, no status; the controller has up to
# 8 files' objects in flight, ~120) — the time no controller can beat on this
# machine — against the controller's SYNCED ms.
floor() {
  local n="$1" synced="$2" line applied load0
  new_cluster "$n" "n$n-floor"
  "$kubectl" create namespace bench-floor >/dev/null
  load0="$(loadavg)"
  line=$("$top/deployfloor" -ssa -parallel 64 -f "$work/files/f*.yaml" -n bench-floor -timeout 30m)
  applied=$(tr ' ' '\n' <<<"$line" | awk -F= '$1 == "created" {print $2}')
  echo "   floor: every object of the $n files applied at once in $applied ms (load average $load0 before, $(loadavg) after; $line)"
  echo "   controller / floor: $(awk -v a="$synced" -v b="$applied" 'BEGIN {printf "%.2f", a/b}')"
  stop_run
  work=""
}

for n in $SIZES; do
  run "$n"
done
