#!/usr/bin/env bash
# A throwaway PostgreSQL cluster in a folder of its own, for tests and scripts:
#   scripts/pg-cluster.sh init DIR    creates it on a free port; prints its URL
#   scripts/pg-cluster.sh start DIR   starts it (again); prints its URL
#   scripts/pg-cluster.sh stop DIR    stops it at once (as a crash or an outage would)
#   scripts/pg-cluster.sh remove DIR  stops it and removes DIR
#   scripts/pg-cluster.sh bin         prints the folder of the PostgreSQL programs
# The URL is postgres://csp:<password>@127.0.0.1:<port>/postgres (password authentication over
# TCP). PG_DURABLE=1 keeps PostgreSQL's durability settings. Installs Debian's postgresql when initdb is missing. PostgreSQL refuses to run as root,
# so as root the cluster runs as the `postgres` user.
set -euo pipefail

say() { echo "pg-cluster: $*" >&2; }

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

as_owner=()
[ "$(id -u)" -ne 0 ] || as_owner=(runuser -u postgres --)

command=${1:-}
dir=${2:-}
url() { echo "postgres://csp:$(cat "$dir/password")@127.0.0.1:$(cat "$dir/port")/postgres"; }

start() {
  # Durability is not what most tests measure: skip fsync for speed, unless PG_DURABLE=1
  # (a test that stops the server abruptly and expects every commit to survive).
  fast="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  [ "${PG_DURABLE:-0}" != 1 ] || fast=""
  "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o \
    "-p $(cat "$dir/port") -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300 $fast" \
    start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
}

stop() {
  "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
}

case "$command" in
  init)
    [ -n "$dir" ] || { say "usage: $0 init DIR"; exit 2; }
    mkdir -p "$dir"
    chmod 755 "$dir"
    [ ${#as_owner[@]} -eq 0 ] || chown postgres "$dir"
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' > "$dir/port"
    od -An -N12 -tx1 /dev/urandom | tr -d ' \n' > "$dir/password"
    [ ${#as_owner[@]} -eq 0 ] || chown postgres "$dir/password" "$dir/port"
    "${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U csp --pwfile="$dir/password" \
      --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    start
    say "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$(cat "$dir/port") ($dir)"
    url
    ;;
  start) start; url ;;
  stop) stop ;;
  remove) stop; rm -rf "$dir" ;;
  bin) echo "$bin" ;;
  *) say "usage: $0 init|start|stop|remove DIR, or $0 bin"; exit 2 ;;
esac
