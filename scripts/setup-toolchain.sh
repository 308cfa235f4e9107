#!/usr/bin/env bash
# Installs what building and checking the app needs: the wasm target, rustfmt and clippy,
# trunk, a wasm-bindgen CLI matching Cargo.lock, wasm-split-cli, and (from npm) wasm-opt 132,
# esbuild and playwright-core.
# Idempotent: every step checks first, so a second run takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

say() { echo "setup-toolchain: $*"; }

# 1. Rust target for the browser app.
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "wasm32-unknown-unknown target present"
else
  say "adding wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# 1b. rustfmt and clippy, which `make test` runs first.
for component in rustfmt clippy; do
  if rustup component list --installed | grep -q "^$component"; then
    say "$component present"
  else
    say "adding $component"
    rustup component add "$component"
  fi
done

# 2. Trunk 0.21 (0.22 needs a newer rustc than ours).
if trunk --version 2>/dev/null | grep -q '^trunk 0\.21\.'; then
  say "$(trunk --version) present"
else
  say "installing trunk 0.21.14 (takes several minutes)"
  cargo install --locked trunk@0.21.14
fi

# 3. wasm-bindgen CLI must equal the library version locked in Cargo.lock exactly.
# Installed without --locked: that is the combination verified to build here.
wbg_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
[ -n "$wbg_version" ] || { echo "setup-toolchain: no wasm-bindgen in Cargo.lock" >&2; exit 1; }
if [ "$(wasm-bindgen --version 2>/dev/null)" = "wasm-bindgen $wbg_version" ]; then
  say "wasm-bindgen $wbg_version present"
else
  say "installing wasm-bindgen-cli $wbg_version (takes a few minutes)"
  cargo install wasm-bindgen-cli@"$wbg_version"
fi

# 4. The splitter that cuts the lazily loaded pages out of the app (scripts/build-app.mjs);
# its version must understand the split points of the wasm_split_helpers in Cargo.lock.
if cargo install --list | grep -q '^wasm_split_cli_support v0\.2\.4:'; then
  say "wasm-split-cli 0.2.4 present"
else
  say "installing wasm-split-cli 0.2.4 (takes a few minutes)"
  cargo install --locked wasm_split_cli_support@0.2.4 --features build-binary
fi

# 5. npm tools: binaryen 132 gives wasm-opt (Debian's 108 emits broken modules),
# playwright-core drives the system Chromium in the e2e tests, oidc-provider is the OpenID
# Connect provider the single sign-on tests sign in at (tests/oidc/provider.mjs).
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund
else
  say "npm packages up to date"
fi
if ! node_modules/.bin/wasm-opt --version | grep -q 'version 132'; then
  echo "setup-toolchain: node_modules/.bin/wasm-opt is not version 132" >&2
  exit 1
fi
say "$(node_modules/.bin/wasm-opt --version) present"
say "done (put $PWD/node_modules/.bin and ~/.cargo/bin on PATH; the Makefile does)"
