#!/usr/bin/env bash
# Installs what the deployment test (crates/server/tests/api/deployment.rs) runs: nginx, to
# serve deploy/nginx.conf in front of two replicas, and systemd-analyze, to check
# deploy/csp-server@.service. Idempotent: does nothing when both are present.
set -euo pipefail

missing=()
command -v nginx > /dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
command -v systemd-analyze > /dev/null || missing+=(systemd)
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-proxy: nginx and systemd-analyze present"
  exit 0
fi

# apt needs root; use sudo only when we are not root already. The test starts its own nginx
# on free ports, so a system nginx the package may start does not get in its way.
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "setup-proxy: installing ${missing[*]} with apt-get"
$sudo apt-get update
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
