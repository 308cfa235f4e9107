#!/usr/bin/env bash
# Fuzzes the API from its own OpenAPI document with schemathesis, every check enabled, once
# signed out and once signed in as each kind of user, against the server binary on a fresh
# SQLite database with the demo data. Fails on any failure schemathesis reports.
#   scripts/fuzz-api.sh [SERVER_BINARY]   (default target/debug/csp-server)
# Installs schemathesis into .tools/venv (PyPI) when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/debug/csp-server}
say() { echo "fuzz-api: $*" >&2; }

venv=.tools/venv
if [ ! -x "$venv/bin/st" ]; then
  say "installing schemathesis into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==4.32.5"
fi

work=$(mktemp -d /tmp/csp-fuzz.XXXXXX)
server_pid=""
cleanup() {
  [ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/dist"
echo '<!doctype html><title>fuzz</title>' > "$work/dist/index.html"
BIND_ADDR=127.0.0.1:0 DATABASE_URL="sqlite://$work/fuzz.db" DIST_DIR="$work/dist" RUST_LOG=warn \
  "$bin" --seed-demo > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  base=$(sed -n 's/.*listening on \(http:\/\/[0-9.:]*\).*/\1/p' "$work/server.log" | head -n 1)
  [ -n "$base" ] && break
  sleep 0.1
done
[ -n "${base:-}" ] || { cat "$work/server.log" >&2; say "the server did not start"; exit 1; }
schema="$base/api/v1/openapi.json"

session_of() {
  curl -sf -D - -o /dev/null -H 'content-type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"demo-password\"}" "$base/api/v1/sessions" \
    | sed -n 's/^[Ss]et-[Cc]ookie: \(csp_session=[0-9a-f]*\).*/\1/p'
}

run() {
  local who=$1; shift
  say "as $who"
  "$venv/bin/st" --config-file tests/fuzz/schemathesis.toml run "$schema" \
    --checks all --max-examples "${FUZZ_EXAMPLES:-40}" --seed 1 --no-color \
    --generation-database none --report-dir "$work/report" "$@"
}

# Sign in first: the signed-out run tries many wrong passwords, and the sign-in limits then
# (rightly) refuse this address for a while.
users=(owner@northwind.example admin@contoso.onmicrosoft.com support@csp-support.example)
cookies=()
for user in "${users[@]}"; do
  cookie=$(session_of "$user" || true)
  [ -n "$cookie" ] || { say "cannot sign in as $user"; exit 1; }
  cookies+=("$cookie")
done

status=0
run "a visitor who is not signed in" || status=1
for i in "${!users[@]}"; do
  # Signing out would end the session the rest of the run uses; requiring two-step sign-in of
  # every user would shut it out of all but its profile (the API tests cover that rule).
  run "${users[$i]}" -H "Cookie: ${cookies[$i]}" --exclude-method DELETE --exclude-path /api/v1/session \
    --exclude-name "PUT /api/v1/organization/two-step" || status=1
done
if grep -q "panicked" "$work/server.log"; then
  say "the server logged a panic:"; grep -A3 panicked "$work/server.log" >&2; status=1
fi
exit $status
