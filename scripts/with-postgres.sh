#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL cluster of its own:
#   scripts/with-postgres.sh cargo test -p csp-server --test api
# Creates the cluster with scripts/pg-cluster.sh in a temporary folder on a free port, exports
#   CSP_TEST_PG_URL=postgres://csp:<password>@127.0.0.1:<port>/postgres
# runs the command, then stops the cluster and removes the folder, whatever the command did.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d /tmp/csp-pg.XXXXXX)
trap '"$here/pg-cluster.sh" remove "$dir"' EXIT

CSP_TEST_PG_URL=$("$here/pg-cluster.sh" init "$dir")
export CSP_TEST_PG_URL
status=0
"$@" || status=$?
exit $status
