# CSP Software Center: `make run` starts the app with demo data, `make test` runs every test.
# Server settings come from the environment (BIND_ADDR, DATABASE_URL); make passes them through.

# Tools installed by scripts/setup-toolchain.sh: wasm-opt and esbuild from npm, trunk, wasm-bindgen
# and wasm-split-cli from cargo.
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

.PHONY: run test lint setup setup-browser dist e2e fuzz bench

# Steps run in order inside one recipe, so `make -j` cannot reorder them.
run:
	scripts/setup-toolchain.sh
	trunk build --release --offline
	scripts/run-demo.sh

# Formatting and lints first (clippy with warnings as errors), then the Rust tests (domain,
# server, and the app's pure parts natively; the API suite on SQLite and on a throwaway
# PostgreSQL that scripts/with-postgres.sh starts and removes), then schemathesis, then the
# browser end-to-end tests against the server binary those tests built, serving the release
# bundle.
CRATES := -p csp-domain -p csp-messages -p csp-server -p csp-app

test:
	scripts/setup-toolchain.sh
	scripts/setup-browser.sh
	scripts/setup-proxy.sh
	cargo fmt --all --check
	cargo clippy --all-targets $(CRATES) -- -D warnings
	scripts/with-postgres.sh cargo test $(CRATES)
	scripts/fuzz-api.sh target/debug/csp-server
	trunk build --release --offline
	node --test tests/e2e/

# Only formatting and clippy.
lint:
	cargo fmt --all --check
	cargo clippy --all-targets $(CRATES) -- -D warnings

setup:
	scripts/setup-toolchain.sh

setup-browser:
	scripts/setup-browser.sh

# The browser app into dist/: Trunk, with the wasm split into lazily loaded parts by its hook
# (scripts/build-app.mjs); --offline goes after the subcommand.
dist:
	trunk build --release --offline

# Only the browser tests; expects dist/ and target/debug/csp-server to be built.
e2e:
	node --test tests/e2e/

# Only the schemathesis run against the OpenAPI document (expects target/debug/csp-server).
fuzz:
	scripts/fuzz-api.sh target/debug/csp-server

# Over HTTP, SQLite and a throwaway PostgreSQL side by side: the customer list and search with
# 100 000 customers (CUSTOMERS=N to change) on 8 connections, orders/s from one client; 500
# support requests filed 8 at a time, a sign-in during a 50 MB upload and among 500 slow
# clients, a 10-minute mixed soak on 16 connections (SOAK_SECS=N to change, 0 to skip); 10 000
# queued webhook events and 10 000 queued mails drained (events/s, to a local receiver and
# maildev); the orders list across customers with 1 000 000 orders (ORDERS=N to change),
# first page and half-way down; then
# the app's transfer, its timing in headless Chromium and Lighthouse's scores (npm `lighthouse`
# in .tools/, installed when missing). Prints figures; fails only when a filing or a soak
# request fails.
bench:
	scripts/setup-toolchain.sh
	scripts/setup-browser.sh
	scripts/with-postgres.sh cargo run --release -p csp-server --example customer_search_bench
	scripts/with-postgres.sh cargo run --release -p csp-server --example reliability_bench
	scripts/with-postgres.sh cargo run --release -p csp-server --example notification_bench
	scripts/with-postgres.sh cargo run --release -p csp-server --example orders_list_bench
	trunk build --release --offline
	cargo build --release -p csp-server
	CSP_SERVER_BIN=target/release/csp-server node tests/bench/browser.mjs
	test -x .tools/lighthouse/node_modules/.bin/lighthouse || (mkdir -p .tools/lighthouse && \
	  cd .tools/lighthouse && echo '{"private": true}' > package.json && \
	  npm install --no-audit --no-fund lighthouse@12)
	CSP_SERVER_BIN=target/release/csp-server node tests/bench/lighthouse.mjs
