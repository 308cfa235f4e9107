#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL cluster of its own:
#   scripts/with-postgres.sh cargo test -p csp-server --test api
# Installs Debian's postgresql when initdb is missing, creates a cluster in a temporary folder
# on a free port (its own socket folder, password authentication over TCP), exports
#   CSP_TEST_PG_URL=postgres://csp:<password>@127.0.0.1:<port>/postgres
# runs the command, then stops the cluster and removes the folder, whatever the command did.
# PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` user.
set -euo pipefail

say() { echo "with-postgres: $*" >&2; }

find_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

bin=$(find_bin)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  say "installing postgresql with apt-get"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  bin=$(find_bin)
fi
[ -x "$bin/initdb" ] || { say "no initdb found under /usr/lib/postgresql/*/bin"; exit 1; }

dir=$(mktemp -d /tmp/csp-pg.XXXXXX)
chmod 755 "$dir"
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres "$dir"
  as_owner=(runuser -u postgres --)
fi

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
password=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')

stop() {
  "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

printf '%s\n' "$password" > "$dir/pwfile"
[ ${#as_owner[@]} -eq 0 ] || chown postgres "$dir/pwfile"
"${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U csp --pwfile="$dir/pwfile" \
  --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
# Durability is not what the tests measure: skip fsync for speed.
"${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o \
  "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
say "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($dir)"

export CSP_TEST_PG_URL="postgres://csp:$password@127.0.0.1:$port/postgres"
status=0
"$@" || status=$?
exit $status
