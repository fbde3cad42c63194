#!/usr/bin/env bash
# Builds the local control plane from the Go module proxy into the cache:
# etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kubectl
# (k8s.io/kubernetes v1.37.2), kwok and kwokctl (v0.8.0). Idempotent: the
# binaries are reused while the stamp matches hack/tools/go.mod and go.sum.
# Prints the binaries' directory on stdout; progress goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
source hack/lib.sh
source hack/lib-k8s.sh

bin="$(ferry::tools_bin)"
want="$(ferry::tools_stamp)"
if ferry::tools_ready; then
  echo "$bin"
  exit 0
fi

# One build at a time: a second caller (another test binary, another make
# test) waits for the first, then reuses what it built. The lock is held
# until this script and the go build it starts (which inherits fd 9) end.
mkdir -p "$FERRY_CACHE"
lock="$FERRY_CACHE/tools.lock"
if command -v flock >/dev/null; then
  exec 9>"$lock"
  if ! flock -n 9; then
    echo "tools.sh: another build of the control plane holds $lock; waiting for it" >&2
    flock 9
  fi
  if ferry::tools_ready; then
    echo "$bin"
    exit 0
  fi
else
  echo "tools.sh: no flock on this machine; not guarding against a concurrent build" >&2
fi

echo "building the control plane into $bin (a cold build takes several minutes)" >&2
start=$SECONDS
mkdir -p "$bin"
rm -f "$bin/.stamp"
tmp="$(mktemp -d "$bin/.build.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

kube_ldflags="-s -w \
 -X k8s.io/component-base/version.gitVersion=$FERRY_K8S_VERSION \
 -X k8s.io/component-base/version.gitMajor=$(echo "${FERRY_K8S_VERSION#v}" | cut -d. -f1) \
 -X k8s.io/component-base/version.gitMinor=$(echo "${FERRY_K8S_VERSION#v}" | cut -d. -f2) \
 -X k8s.io/component-base/version.gitTreeState=clean \
 -X k8s.io/client-go/pkg/version.gitVersion=$FERRY_K8S_VERSION \
 -X sigs.k8s.io/kwok/pkg/consts.Version=$FERRY_KWOK_VERSION \
 -X sigs.k8s.io/kwok/pkg/consts.KubeVersion=${FERRY_K8S_VERSION#v}"

(
  cd hack/tools
  # One go build for all seven commands shares the work across packages.
  CGO_ENABLED=0 go build -trimpath -ldflags "$kube_ldflags" -o "$tmp/" \
    ./etcd \
    k8s.io/kubernetes/cmd/kube-apiserver \
    k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler \
    k8s.io/kubernetes/cmd/kubectl \
    sigs.k8s.io/kwok/cmd/kwok \
    sigs.k8s.io/kwok/cmd/kwokctl
) >&2

for b in etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok kwokctl; do
  [ -x "$tmp/$b" ] || { echo "tools.sh: $b was not built" >&2; exit 1; }
  mv -f "$tmp/$b" "$bin/$b"
done
# The stamp is written only once every binary is in place.
echo "$want" >"$bin/.stamp"
echo "built in $((SECONDS - start))s" >&2
echo "$bin"
