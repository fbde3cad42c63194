# Shell helpers for the local Kubernetes control plane (hack/tools.sh,
# hack/cluster.sh, benchmarks). Source after hack/lib.sh:
#   source hack/lib.sh; source hack/lib-k8s.sh; "$(ferry::kubectl)" version --client
FERRY_K8S_VERSION=v1.37.2
FERRY_KWOK_VERSION=v0.8.0

# ferry::tools_bin prints the directory holding the built binaries, keyed by
# the Kubernetes version (internal/testcluster computes the same path).
ferry::tools_bin() {
  echo "$FERRY_CACHE/k8s-$FERRY_K8S_VERSION/bin"
}

# ferry::tools_stamp prints what the stamp must hold for the cached binaries
# to be reused: the versions and a digest of the tools module's go.mod/go.sum.
ferry::tools_stamp() {
  local root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  echo "k8s=$FERRY_K8S_VERSION kwok=$FERRY_KWOK_VERSION mod=$(cat "$root/hack/tools/go.mod" "$root/hack/tools/go.sum" | sha256sum | cut -c1-16)"
}

# ferry::kubectl prints the path of the kubectl built by hack/tools.sh
# (never whatever kubectl is on PATH), building the tools when missing.
ferry::kubectl() {
  local root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  echo "$(bash "$root/hack/tools.sh")/kubectl"
}

# ferry::tools_ready succeeds when every binary is built for the current
# tools module (the stamp is written only after all builds succeeded).
ferry::tools_ready() {
  local bin
  bin="$(ferry::tools_bin)"
  [ -f "$bin/.stamp" ] && [ "$(cat "$bin/.stamp")" = "$(ferry::tools_stamp)" ]
}

# ferry::kwok_config prints internal/testcluster/kwok-config.yaml plus
# loopback ports drawn at random from 20000-29999 (see docs/cluster.md:
# kwokctl's own choice collides with other clusters on this machine).
ferry::kwok_config() {
  local root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  cat "$root/internal/testcluster/kwok-config.yaml"
  printf -- '---\napiVersion: config.kwok.x-k8s.io/v1alpha1\nkind: KwokctlConfiguration\noptions:\n  bindAddress: 127.0.0.1\n'
  local i=0 p key
  for key in etcdPeerPort etcdPort kubeApiserverPort kwokControllerPort kubeControllerManagerPort kubeSchedulerPort; do
    while :; do
      p=$((20000 + RANDOM % 10000 + i)); i=$((i + 1))
      (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || break
    done
    echo "  $key: $p"
  done
}
