#!/usr/bin/env bash
# What the Route 53 provider's tests need: moto (moto_server, a third-party
# Route 53, run through python3) and the AWS CLI `aws` as a foreign client.
# This machine image ships both through pip (moto 5.2.1, awscli 1.45); the pip
# registry is not reachable from here, so nothing can be installed: say which
# is missing and fail, as the tests themselves do.
set -euo pipefail
missing=()
command -v moto_server >/dev/null 2>&1 || missing+=("moto_server (pip: moto[server] 5.x)")
command -v aws >/dev/null 2>&1 || missing+=("aws (pip: awscli)")
python3 -c 'import moto.server, moto.route53' >/dev/null 2>&1 || missing+=("python3 able to import moto")
if [ ${#missing[@]} -gt 0 ]; then
  printf 'the Route 53 tests need: %s\n' "${missing[@]}" >&2
  exit 1
fi
