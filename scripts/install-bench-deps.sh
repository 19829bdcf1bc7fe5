#!/usr/bin/env bash
# What `pnpm bench` needs beyond the tests' dependencies: Debian's libxgboost0 (xgboost 1.7, native), the reference
# the GBDT bench fits side by side with ours. Installs only what is missing; needs root.
set -euo pipefail
if ! ldconfig -p | grep -q 'libxgboost\.so\.0'; then
  echo "install-bench-deps: installing libxgboost0" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libxgboost0 >&2
fi
