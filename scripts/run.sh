#!/usr/bin/env bash
# `make run` / `make stop` / `make status`: the whole suite on this machine.
#   start: local PostgreSQL (.local/pg, 25432) and Redis (.local/redis, 26379) unless
#          DATABASE_URL / REDIS_URL point elsewhere; secrets generated once into
#          .local/secrets.env; debug build; migrations; every service and a local agent in
#          the background (logs in .local/logs/<service>.log, pids in .local/run/).
#          Without SMTP_HOST, a local mailbox (scripts/mailcatcher.py, 127.0.0.1:2525) keeps
#          every email the notifier sends in .local/mail/ (read them with `make mail`).
#   stop:  stops the services, then the local PostgreSQL and Redis.
# Variables from the environment or from a .env file at the root reach every service.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
local_dir="$root/.local"
logs="$local_dir/logs"
run="$local_dir/run"
services=(web ca api ai notifier scheduler agent)
mail_dir="$local_dir/mail"

running() { [ -f "$run/$1.pid" ] && kill -0 "$(cat "$run/$1.pid")" 2>/dev/null; }

stop_all() {
  for service in "${services[@]}"; do
    if running "$service"; then
      kill -TERM "$(cat "$run/$service.pid")"
      for _ in $(seq 1 100); do running "$service" || break; sleep 0.1; done
      running "$service" && kill -KILL "$(cat "$run/$service.pid")"
      echo "stopped $service"
    fi
    rm -f "$run/$service.pid"
  done
  if running mailcatcher; then kill -TERM "$(cat "$run/mailcatcher.pid")"; echo "stopped mailcatcher"; fi
  rm -f "$run/mailcatcher.pid"
  scripts/pg.sh stop "$local_dir/pg" 25432 || true
  scripts/redis.sh stop "$local_dir/redis" 26379 || true
}

status() {
  for service in "${services[@]}"; do
    if running "$service"; then echo "$service: running (pid $(cat "$run/$service.pid"))"; else echo "$service: stopped"; fi
  done
  if running mailcatcher; then echo "mail: .local/mail (pid $(cat "$run/mailcatcher.pid"); make mail)"; fi
}

start_all() {
  # .local stays traversable: the PostgreSQL cluster inside runs as the postgres user.
  # The secret files in it are mode 0600.
  mkdir -p "$logs" "$run"
  if [ -f .env ]; then set -a; . ./.env; set +a; fi

  # Secrets the services require, generated once and kept (mode 0600).
  secrets="$local_dir/secrets.env"
  if [ ! -f "$secrets" ]; then
    umask 077
    {
      echo "JWT_SECRET=$(openssl rand -hex 32)"
      echo "INTERNAL_SERVICE_TOKEN=$(openssl rand -hex 32)"
    } >"$secrets"
    umask 022
  fi
  # Added after the first release of this file: the ca's own token, as in production.
  if ! grep -q '^CA_SERVICE_TOKEN=' "$secrets"; then
    echo "CA_SERVICE_TOKEN=$(openssl rand -hex 32)" >>"$secrets"
  fi
  # The key of the monitored databases' passwords (/api/databases): losing it loses them.
  if ! grep -q '^DATABASE_CREDENTIALS_KEY=' "$secrets"; then
    echo "DATABASE_CREDENTIALS_KEY=$(openssl rand -hex 32)" >>"$secrets"
  fi
  set -a; . "$secrets"; set +a

  # The first super_admin, created by the api when no super_admin exists yet.
  credentials="$local_dir/credentials"
  if [ ! -f "$credentials" ]; then
    umask 077
    {
      echo "OPTRALIS_ADMIN_EMAIL=${DEFAULT_ADMIN_EMAIL:-admin@optralis.local}"
      echo "OPTRALIS_ADMIN_PASSWORD=${DEFAULT_ADMIN_PASSWORD:-$(openssl rand -base64 18 | tr '+/' '-_')Aa1!}"
    } >"$credentials"
    umask 022
  fi
  # shellcheck disable=SC1090
  . "$credentials"
  export DEFAULT_ADMIN_EMAIL=$OPTRALIS_ADMIN_EMAIL DEFAULT_ADMIN_PASSWORD=$OPTRALIS_ADMIN_PASSWORD

  if [ -z "${DATABASE_URL:-}" ]; then DATABASE_URL=$(scripts/pg.sh start "$local_dir/pg" 25432) || exit 1; fi
  if [ -z "${REDIS_URL:-}" ]; then REDIS_URL=$(scripts/redis.sh start "$local_dir/redis" 26379) || exit 1; fi
  export DATABASE_URL REDIS_URL
  export OPTRALIS_ENV=${OPTRALIS_ENV:-development} BIND_ADDRESS=${BIND_ADDRESS:-127.0.0.1}
  export PORT=${PORT:-3000} AI_PORT=${AI_PORT:-3002} NOTIFIER_PORT=${NOTIFIER_PORT:-3003}
  export SCHEDULER_PORT=${SCHEDULER_PORT:-3004} CA_PORT=${CA_PORT:-3005} AGENT_STATUS_PORT=${AGENT_STATUS_PORT:-9464}
  export AI_SERVICE_URL=${AI_SERVICE_URL:-http://127.0.0.1:$AI_PORT} CA_SERVICE_URL=${CA_SERVICE_URL:-http://127.0.0.1:$CA_PORT}
  export API_SERVICE_URL=${API_SERVICE_URL:-http://127.0.0.1:$PORT} WEB_PORT=${WEB_PORT:-3001}
  # Links in emails and chat messages open the dashboard.
  export PUBLIC_URL=${PUBLIC_URL:-http://127.0.0.1:$WEB_PORT}

  echo "==> building (debug)"
  swift build -q 2>&1 | { grep -v -e "prohibited flag" -e "unhandled; explicitly declare" -e "CMakeLists.txt" || true; }
  bin=$(swift build --show-bin-path)

  # The CA lives in .local/ca; the api's agent port gets a server certificate from it.
  export CA_DIR=${CA_DIR:-$local_dir/ca} AGENT_TLS_PORT=${AGENT_TLS_PORT:-8443}
  # Agent builds served at /downloads; the contact form writes to the local admin.
  export AGENT_DOWNLOADS_DIR=${AGENT_DOWNLOADS_DIR:-$local_dir/downloads} CONTACT_EMAIL=${CONTACT_EMAIL:-$DEFAULT_ADMIN_EMAIL}
  mkdir -p "$AGENT_DOWNLOADS_DIR"
  "$bin/optralis-ca" server-cert --name 127.0.0.1 --name localhost --name "$(hostname)" --out "$local_dir/agent-tls" >/dev/null
  export AGENT_TLS_CERT_FILE=$local_dir/agent-tls/server.crt AGENT_TLS_KEY_FILE=$local_dir/agent-tls/server.key AGENT_TLS_CA_FILE=$local_dir/agent-tls/ca.crt

  # No SMTP server configured: the notifier sends to a local mailbox instead of dead-lettering.
  if [ -z "${SMTP_HOST:-}" ]; then
    mail_port=${MAIL_CATCHER_PORT:-2525}
    if ! running mailcatcher; then
      mkdir -p "$mail_dir"
      nohup python3 scripts/mailcatcher.py serve "$mail_port" "$mail_dir" >>"$logs/mailcatcher.log" 2>&1 </dev/null &
      echo $! >"$run/mailcatcher.pid"
      for _ in $(seq 1 50); do (exec 3<>"/dev/tcp/127.0.0.1/$mail_port") 2>/dev/null && break; sleep 0.1; done
    fi
    export SMTP_HOST=127.0.0.1 SMTP_PORT=$mail_port SMTP_SECURITY=none
    mail_note="  mail       .local/mail (no SMTP_HOST: every email is kept there; list them with make mail)"
  fi

  echo "==> migrating"
  "$bin/optralis-api" migrate >>"$logs/migrate.log" 2>&1 || { tail -20 "$logs/migrate.log" >&2; exit 1; }

  for service in "${services[@]}"; do
    [ "$service" = agent ] && continue
    if running "$service"; then echo "$service already running"; continue; fi
    nohup "$bin/optralis-$service" >>"$logs/$service.log" 2>&1 </dev/null &
    echo $! >"$run/$service.pid"
  done

  # The local agent monitors this machine: enrolled once into the client "This machine" with a
  # one-use install token made here, then started like the services.
  export OPTRALIS_CONFIG_DIR=$local_dir/agent/etc OPTRALIS_STATE_DIR=$local_dir/agent/state
  if [ ! -f "$OPTRALIS_CONFIG_DIR/agent.json" ]; then
    for _ in $(seq 1 150); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/health" 2>/dev/null && break; sleep 0.2; done
    client=$(psql -X -q -At "$DATABASE_URL" -c "SELECT id FROM clients WHERE name = 'This machine' LIMIT 1")
    [ -n "$client" ] || client=$(psql -X -q -At "$DATABASE_URL" -c "INSERT INTO clients (name) VALUES ('This machine') RETURNING id" | head -1)
    token=$(openssl rand -base64 32 | tr '+/' '-_' | tr -d '=\n')
    psql -X -q -At "$DATABASE_URL" -c "INSERT INTO install_tokens (client_id, token_hash, name, platform, max_usage)
      VALUES ('$client', '$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)', 'make run', 'linux', 1)" >/dev/null
    OPTRALIS_INSTALL_TOKEN=$token "$bin/optralis-agent" install --server "http://127.0.0.1:$PORT" --no-service >>"$logs/agent.log" 2>&1 \
      || echo "  agent enrolment failed — see .local/logs/agent.log" >&2
  fi
  if ! running agent; then
    # The environment its systemd unit sets (Enroller.environment).
    GNUTLS_NO_IMPLICIT_INIT=1 MALLOC_ARENA_MAX=1 nohup "$bin/optralis-agent" run >>"$logs/agent.log" 2>&1 </dev/null &
    echo $! >"$run/agent.pid"
  fi

  declare -A ports=([api]=$PORT [web]=$WEB_PORT [ai]=$AI_PORT [notifier]=$NOTIFIER_PORT [scheduler]=$SCHEDULER_PORT [ca]=$CA_PORT [agent]=$AGENT_STATUS_PORT)
  failed=0
  for service in "${services[@]}"; do
    url="http://127.0.0.1:${ports[$service]}"
    for _ in $(seq 1 150); do
      curl -fsS -o /dev/null "$url/health" 2>/dev/null && break
      running "$service" || break
      sleep 0.2
    done
    if curl -fsS -o /dev/null "$url/health" 2>/dev/null; then
      printf '  %-10s %s   (log: make logs SERVICE=%s)\n' "$service" "$url" "$service"
    else
      printf '  %-10s FAILED to start — last lines of .local/logs/%s.log:\n' "$service" "$service" >&2
      tail -5 "$logs/$service.log" >&2
      failed=1
    fi
  done
  echo
  echo "  agents     https://127.0.0.1:$AGENT_TLS_PORT (mutual TLS; CA certificate: .local/agent-tls/ca.crt)"
  [ -n "${mail_note:-}" ] && echo "$mail_note"
  echo
  echo "First super_admin (must change the password at first login; kept in .local/credentials):"
  echo "  email:    $OPTRALIS_ADMIN_EMAIL"
  echo "  password: $OPTRALIS_ADMIN_PASSWORD"
  echo "Stop everything with: make stop"
  exit $failed
}

case "${1:-}" in
  start) start_all ;;
  stop) stop_all ;;
  status) status ;;
  *) echo "usage: scripts/run.sh start|stop|status" >&2; exit 2 ;;
esac
