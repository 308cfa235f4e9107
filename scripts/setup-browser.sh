#!/usr/bin/env bash
# Installs the system Chromium used by the browser end-to-end tests (playwright-core
# drives it; no browser download) and chromedriver for wasm-bindgen-test.
# Idempotent: does nothing when both are present.
set -euo pipefail

if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  echo "setup-browser: chromium and chromedriver present"
  exit 0
fi

# apt needs root; use sudo only when we are not root already.
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "setup-browser: installing chromium and chromium-driver with apt-get"
$sudo apt-get update
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver
