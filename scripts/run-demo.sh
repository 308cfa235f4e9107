#!/usr/bin/env bash
# Runs the demo (what `make run` ends with): the server with demo data, and — unless SMTP_URL
# points elsewhere — a local mail catcher (maildev from npm) that receives every mail the demo
# sends and shows it on a web page. Ctrl-C stops both.
#
#   MAIL_WEB_PORT (1080): the mail catcher's page, http://127.0.0.1:1080
#   MAIL_SMTP_PORT (1025): where the server sends its mail
set -euo pipefail
cd "$(dirname "$0")/.."

smtp_port=${MAIL_SMTP_PORT:-1025}
web_port=${MAIL_WEB_PORT:-1080}

if [ -z "${SMTP_URL:-}" ]; then
  if curl -fsS -o /dev/null "http://127.0.0.1:${web_port}/email" 2>/dev/null; then
    echo "run-demo: a mail catcher already answers on port ${web_port}; using it"
  else
    node_modules/.bin/maildev --ip 127.0.0.1 --smtp "$smtp_port" --web "$web_port" --silent &
    catcher=$!
    trap 'kill "$catcher" 2>/dev/null || true' EXIT
    for _ in $(seq 1 50); do
      curl -fsS -o /dev/null "http://127.0.0.1:${web_port}/email" 2>/dev/null && break
      sleep 0.2
    done
  fi
  export SMTP_URL="smtp://127.0.0.1:${smtp_port}"
  echo "run-demo: the demo's mails are at http://127.0.0.1:${web_port}"
fi

cargo run --release -p csp-server -- --seed-demo
