#!/usr/bin/env bash
# A local Kubernetes cluster for trying ferry: a real control plane (etcd,
# kube-apiserver, kube-controller-manager, kube-scheduler) run by kwokctl as
# local processes, with six kwok-simulated nodes across three zones.
#   hack/cluster.sh up    start it (or reuse it), last stdout line: export KUBECONFIG=...
#   hack/cluster.sh down  stop it and delete its files
# Its files live in $FERRY_CACHE/kwok (never ~/.kwok or ~/.kube/config).
set -euo pipefail
cd "$(dirname "$0")/.."
source hack/lib.sh
source hack/lib-k8s.sh

name=ferry
workdir="$FERRY_CACHE/kwok"
kubeconfig="$workdir/clusters/$name/kubeconfig.yaml"

kwokctl() {
  KWOK_WORKDIR="$workdir" KWOK_KUBECTL_BINARY="$bin/kubectl" "$bin/kwokctl" "$@" --name "$name"
}

serving() {
  [ -f "$kubeconfig" ] && "$bin/kubectl" --kubeconfig "$kubeconfig" --request-timeout=5s get --raw /readyz >/dev/null 2>&1
}

# free_ports N prints N distinct ports nothing listens on, drawn at random
# from 20000-29999: kwokctl's own choice scans down from 32767 in every
# process, so clusters started at once (or one restarting its apiserver while
# another starts) would take each other's ports.
free_ports() {
  local n=$1 chosen=" " p
  for _ in $(seq 1 200); do
    [ "$n" -eq 0 ] && return 0
    p=$((20000 + RANDOM % 10000))
    case "$chosen" in *" $p "*) continue ;; esac
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"; chosen="$chosen$p "; n=$((n - 1))
    fi
  done
  echo "cluster.sh: no free ports found" >&2
  return 1
}

# write_config prints the kwokctl configuration ($KWOK_WORKDIR/kwok.yaml):
# internal/testcluster/kwok-config.yaml (the Service IP range, kwok's stages
# and the annotations tests use; internal/testcluster writes the same), then
# loopback only, on ports chosen by free_ports.
write_config() {
  local ports
  ports=($(free_ports 6))
  cat internal/testcluster/kwok-config.yaml
  cat <<YAML
---
apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokctlConfiguration
options:
  bindAddress: 127.0.0.1
  etcdPeerPort: ${ports[0]}
  etcdPort: ${ports[1]}
  kubeApiserverPort: ${ports[2]}
  kwokControllerPort: ${ports[3]}
  kubeControllerManagerPort: ${ports[4]}
  kubeSchedulerPort: ${ports[5]}
YAML
}

# config_digest identifies kwok-config.yaml; a running cluster made from
# another version of it is replaced, so tests never meet an old setup.
config_digest() {
  sha256sum internal/testcluster/kwok-config.yaml | cut -c1-16
}

up() {
  local digest_file="$workdir/clusters/$name/ferry-config.digest"
  if serving && [ "$(cat "$digest_file" 2>/dev/null)" = "$(config_digest)" ]; then
    echo "cluster $name is already running" >&2
  else
    if serving; then
      echo "cluster $name was made from an older internal/testcluster/kwok-config.yaml; replacing it" >&2
    fi
    if [ -d "$workdir/clusters/$name" ]; then
      echo "removing the old cluster $name" >&2
      kwokctl delete cluster --kubeconfig "$workdir/kubeconfig" >&2 || true
    fi
    local start=$SECONDS
    mkdir -p "$workdir"
    write_config >"$workdir/kwok.yaml"
    kwokctl create cluster --runtime binary \
      --etcd-binary "$bin/etcd" \
      --kube-apiserver-binary "$bin/kube-apiserver" \
      --kube-controller-manager-binary "$bin/kube-controller-manager" \
      --kube-scheduler-binary "$bin/kube-scheduler" \
      --kwok-controller-binary "$bin/kwok" \
      --kubeconfig "$workdir/kubeconfig" \
      --quiet-pull --wait 2m >&2
    config_digest >"$digest_file"
    "$bin/kubectl" --kubeconfig "$kubeconfig" apply -f internal/testcluster/nodes.yaml >&2
    "$bin/kubectl" --kubeconfig "$kubeconfig" wait --for=condition=Ready node -l type=kwok --timeout=120s >&2
    echo "cluster $name up in $((SECONDS - start))s; nodes per zone:" >&2
    "$bin/kubectl" --kubeconfig "$kubeconfig" get nodes -L topology.kubernetes.io/zone >&2
  fi
  echo "kubectl: $bin/kubectl" >&2
  echo "export KUBECONFIG=$kubeconfig"
}

down() {
  if [ ! -d "$workdir/clusters/$name" ]; then
    echo "no cluster $name to remove" >&2
    return 0
  fi
  kwokctl delete cluster --kubeconfig "$workdir/kubeconfig" >&2
  rm -rf "${workdir:?}/clusters/$name"
  echo "cluster $name removed" >&2
}

case "${1:-}" in
  up) bin="$(bash hack/tools.sh)"; up ;;
  down) bin="$(bash hack/tools.sh)"; down ;;
  *) echo "usage: hack/cluster.sh up|down" >&2; exit 2 ;;
esac
