#!/usr/bin/env bash
# hack/crd.sh writes the deep copies of api/v1alpha1 and the CRDs of
# "ferry controller" (internal/controller/crds) from the +kubebuilder
# markers, with controller-gen built once into the cache.
#
# The Go type of the Migration resource is MigrationResource (the name
# Migration is the file's migration block, a promise of api/v1alpha1), so
# its kind is renamed here; the scheme registers it under the same kind.
set -euo pipefail
cd "$(dirname "$0")/.."
source hack/lib.sh
gen="$(ferry::go_tool sigs.k8s.io/controller-tools/cmd/controller-gen@v0.23.0)"
out=internal/controller/crds
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# Written aside first: a failed run leaves the embedded CRDs in place.
"$gen" object paths=./api/v1alpha1/ crd:crdVersions=v1,allowDangerousTypes=true output:crd:dir="$tmp"
sed -i -e 's/^    kind: MigrationResource$/    kind: Migration/' \
  -e 's/^    listKind: MigrationResourceList$/    listKind: MigrationList/' "$tmp/ferry.dev_migrations.yaml"
rm -f "$out"/*.yaml
cp "$tmp"/*.yaml "$out"/
