#!/usr/bin/env bash
# Route 53: one migration step (a weight change made and waited INSYNC) with
# every change PENDING for 2 s, ferry's own 1 s polling against the AWS SDK's
# default ResourceRecordSetsChanged waiter, through moto and a loopback proxy.
# Prints ns/op (wall time per step) and calls/step for each.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash hack/deps/route53.sh
echo "== route53: one step, changes INSYNC 2 s after they are made"
go test -run '^$' -bench 'BenchmarkStep' -benchtime "${STEPS:-3}x" -count 1 ./internal/dns/route53/ | grep -E '^Benchmark'
