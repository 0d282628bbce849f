#!/usr/bin/env bash
# `make bench`: benchmarks on a release build, against a PostgreSQL (.local/bench-pg, 25434 or
# BENCH_PG_PORT) and a Redis (.local/bench-redis, 26381 or BENCH_REDIS_PORT) of their own. Results are
# printed and kept in .local/bench/.
#
# rules: one offline-detection and rule-evaluation cycle over 10,000 machines × 5 rules.
#
# notifier: webhook jobs per second delivered by 1, 2 and 4 replicas to a local sink, and email
# jobs per second by one replica to a local SMTP server (aiosmtpd), in the same run.
#
# auth: requests per second of authenticated `GET /api/me` (JWT verification, blacklist check in
# Redis, user row from PostgreSQL) against `GET /health` (a PostgreSQL and a Redis ping) on the same
# server in the same run, over keep-alive connections (wrk); the ratio must stay >= 0.5. Login
# (bcrypt cost 12, slow on purpose) is reported as the median of sequential logins.
#
# ingest: a simulated fleet (optralis-bench ingest; each agent with its own certificate and
# keep-alive connection) against the agents' mTLS port of a release api: saturation of
# POST /agent/collect against GET /agent/ping and PostgreSQL rows/s against COPY; the largest
# fleet sustained for 60 s at the spec's intervals (p99 < 100 ms, no error, every row stored); a
# reconnect storm after an api restart; the retention job deleting 10 million expired metric rows
# while half that fleet posts (BENCH_CLEANUP_ROWS). BENCH_AGENTS overrides the fleet sizes tried.
# Each latency is printed beside the api's own (its /metrics histogram). BENCH_INGEST_ONLY=storm
# runs only the reconnect storm, at each size of BENCH_AGENTS; BENCH_LEGACY_AGENTS=1 makes the
# simulated agents retry as agents did before the reconnect window (with AGENT_TLS_HANDSHAKE_LIMIT=0
# in the environment, the gateway of before too). BENCH_INGEST_PORT (3191, and the next port for
# the agents') moves the api. BENCH_INGEST_ONLY=cost runs only the count of instructions the api
# executes per agent request (valgrind's callgrind; part of every ingest run, before the fleets);
# BENCH_API_BIN runs another build of the api instead (an older commit's, for a before/after);
# BENCH_API_LOG_LEVEL sets its LOG_LEVEL (warning; its log is .local/bench/ingest/api.log).
# BENCH_INGEST_ONLY=fleet runs everything but that count.
#
# agent: the footprint of a release agent at the default intervals for 10 minutes against a local
# gateway, beside prometheus-node-exporter (scripts/bench/agent-footprint.sh).
#
# fleet: p50/p99 of the machine list, machine detail and 30-day CPU history on 10,000 seeded
# machines, beside the equivalent SQL through psql, then of the dashboard's /machines and machine
# page beside the api calls they make, with each page's weight (scripts/bench/fleet-read.sh).
#
# ai: health-score + drift + trends of one machine with 30 days of 10-second metrics, and routine
# runs over 1,000 machines, on a release optralis-ai (scripts/bench/ai.sh).
#
# apm: OTLP/HTTP spans a second stored by a release api, sent by the real OpenTelemetry SDK
# (scripts/bench/apm.sh); with ingest in the same run, beside the metrics collect path's rows a
# second at saturation.
#
# BENCH_ONLY=auth,notifier,rules,ingest,agent,fleet,ai,apm runs a subset (default: all).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out="$root/.local/bench"
mkdir -p "$out"
scripts/deps.sh

duration=${BENCH_SECONDS:-10}
connections=${BENCH_CONNECTIONS:-32}
logins=${BENCH_LOGINS:-20}

pg_port=${BENCH_PG_PORT:-25434}
redis_port=${BENCH_REDIS_PORT:-26381}
admin_url=$(scripts/pg.sh start "$root/.local/bench-pg" "$pg_port")
redis_url=$(scripts/redis.sh start "$root/.local/bench-redis" "$redis_port")
bench_url="${admin_url%/*}/optralis_bench"
psql -X -q "$admin_url" -c "DROP DATABASE IF EXISTS optralis_bench WITH (FORCE)" -c "CREATE DATABASE optralis_bench"
redis-cli --no-auth-warning -u "$redis_url" flushall >/dev/null
api_pid=""
want() { [[ ",${BENCH_ONLY:-auth,notifier,rules,ingest,agent,fleet,ai,apm}," == *",$1,"* ]]; }

echo "==> swift build -c release"
swift build -c release --product optralis-api 2>&1 | { grep -v -e "prohibited flag" -e "unhandled; explicitly declare" -e "CMakeLists.txt" || true; }
if want fleet; then
  swift build -c release --product optralis-web 2>&1 | { grep -v -e "prohibited flag" -e "unhandled; explicitly declare" -e "CMakeLists.txt" || true; }
fi
bin=$(swift build -c release --show-bin-path)

if want auth; then

port=3190
email=bench@optralis.local
password="Bench-Password-$(openssl rand -hex 6)!"
DATABASE_URL=$bench_url REDIS_URL=$redis_url JWT_SECRET=$(openssl rand -hex 32) DATABASE_CREDENTIALS_KEY=$(openssl rand -hex 32) INTERNAL_SERVICE_TOKEN=$(openssl rand -hex 32) \
  PORT=$port BIND_ADDRESS=127.0.0.1 LOG_LEVEL=warning AUTH_RATE_LIMIT=10000 \
  DEFAULT_ADMIN_EMAIL=$email DEFAULT_ADMIN_PASSWORD=$password \
  "$bin/optralis-api" >"$out/api.log" 2>&1 &
api_pid=$!
trap 'kill $api_pid 2>/dev/null || true; wait $api_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 150); do curl -fsS -o /dev/null "http://127.0.0.1:$port/health" 2>/dev/null && break; sleep 0.2; done
curl -fsS -o /dev/null "http://127.0.0.1:$port/health" || { cat "$out/api.log"; exit 1; }

login() {
  curl -fsS -X POST "http://127.0.0.1:$port/auth/login" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"$password\"}" "$@"
}
token=$(login | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
curl -fsS -o /dev/null -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/me"

rps() { wrk -t2 -c"$connections" -d"${duration}s" "$@" | awk '/Requests\/sec/ {print $2}'; }
echo "==> wrk: ${duration}s, $connections keep-alive connections each"
health=$(rps "http://127.0.0.1:$port/health")
me=$(rps -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/me")
ratio=$(python3 -c "print(f'{$me / $health:.2f}')")

times=()
for _ in $(seq 1 "$logins"); do times+=("$(login -o /dev/null -w '%{time_total}')"); done
p50=$(printf '%s\n' "${times[@]}" | sort -n | python3 -c 'import sys; v=[float(x) for x in sys.stdin]; print(f"{v[len(v)//2]*1000:.0f}")')

{
  echo "auth benchmark ($(date -u +%Y-%m-%dT%H:%M:%SZ), release build, $(nproc) cores)"
  echo "  GET /health           ${health} req/s"
  echo "  GET /api/me (Bearer)  ${me} req/s"
  echo "  ratio /api/me÷/health ${ratio} (target >= 0.5)"
  echo "  POST /auth/login p50  ${p50} ms over ${logins} sequential logins (bcrypt cost 12)"
} | tee "$out/auth.txt"
kill $api_pid 2>/dev/null || true
wait $api_pid 2>/dev/null || true

fi

if want notifier; then
echo "==> notifier"
swift build -c release --product optralis-notifier 2>&1 | { grep -v -e "prohibited flag" -e "unhandled; explicitly declare" -e "CMakeLists.txt" || true; }
swift build -c release --product optralis-bench 2>&1 | { grep -v -e "prohibited flag" -e "unhandled; explicitly declare" -e "CMakeLists.txt" || true; }
client_id=$(psql -X -q -At "$bench_url" -c "INSERT INTO clients (name) VALUES ('Bench') RETURNING id")
channel_id=$(psql -X -q -At "$bench_url" -c "INSERT INTO notification_channels (client_id, type, name, config) VALUES ('$client_id', 'webhook_slack', 'Sink', '{\"webhook_url\": \"http://127.0.0.1:3195/hook\"}') RETURNING id")
smtp_dir=$(mktemp -d)
smtp_port=3196
python3 shared/Tests/OptralisTestSupport/Fixtures/smtp_server.py $smtp_port "$smtp_dir" >"$out/smtp.log" 2>&1 &
smtp_pid=$!
trap 'kill $api_pid $smtp_pid 2>/dev/null || true; rm -rf "$smtp_dir"' EXIT
sleep 1
NOTIFIER_BIN="$bin/optralis-notifier" DATABASE_URL=$bench_url REDIS_URL=$redis_url BENCH_CLIENT_ID=$client_id \
  BENCH_WEBHOOK_CHANNEL_ID=$channel_id BENCH_SMTP_PORT=$smtp_port BENCH_SMTP_DIR=$smtp_dir \
  "$bin/optralis-bench" notifier --jobs "${BENCH_NOTIFIER_JOBS:-10000}" | tee "$out/notifier.txt"

fi

if want rules; then
echo "==> rule evaluation: 10,000 machines × 5 rules"
swift build -c release --product optralis-scheduler 2>&1 | { grep -v -e "prohibited flag" -e "unhandled; explicitly declare" -e "CMakeLists.txt" || true; }
rules_client=$(psql -X -q -At "$bench_url" -c "INSERT INTO clients (name, license_type) VALUES ('Rules bench', 'enterprise') RETURNING id")
psql -X -q -v ON_ERROR_STOP=1 "$bench_url" <<SQL
INSERT INTO machines (client_id, hostname, last_seen)
  SELECT '$rules_client', 'bench-' || i, now() - (i % 20) * INTERVAL '1 minute' FROM generate_series(1, 10000) AS i;
INSERT INTO metrics (machine_id, recorded_at, cpu_percent, ram_percent, cpu_temp)
  SELECT id, now() - INTERVAL '1 minute', random() * 100, random() * 100, 40 + random() * 50 FROM machines WHERE client_id = '$rules_client';
INSERT INTO metrics (machine_id, recorded_at, cpu_percent, ram_percent, cpu_temp)
  SELECT id, now(), random() * 100, random() * 100, 40 + random() * 50 FROM machines WHERE client_id = '$rules_client';
INSERT INTO disk_info (machine_id, recorded_at, mount_point, used_percent)
  SELECT id, now(), '/', round((random() * 100)::numeric, 2) FROM machines WHERE client_id = '$rules_client';
INSERT INTO alert_rules (client_id, name, metric, operator, threshold, severity) VALUES
  ('$rules_client', 'CPU', 'cpu', '>', 90, 'critical'), ('$rules_client', 'RAM', 'ram', '>', 90, 'warning'),
  ('$rules_client', 'Disk', 'disk', '>=', 95, 'critical'), ('$rules_client', 'Temperature', 'temperature', '>', 85, 'warning'),
  ('$rules_client', 'Offline', 'offline_minutes', '>', 15, 'critical');
ANALYZE;
SQL
run_rules() {
  DATABASE_URL=$bench_url REDIS_URL=$redis_url INTERNAL_SERVICE_TOKEN=$(openssl rand -hex 32) LOG_LEVEL=warning \
    "$bin/optralis-scheduler" run-job machine-alerts
}
first=$(run_rules)
second=$(run_rules)
{
  echo "rule evaluation (10,000 machines × 5 rules, release build)"
  echo "  cycle with firings:         $first"
  echo "  cycle within the cooldowns: $second   (target < 2000 ms per cycle)"
} | tee "$out/rules.txt"

fi

if want ingest; then
echo "==> ingest: simulated agents on the mTLS port"
swift build -c release --product optralis-ca 2>&1 | { grep -v -e "prohibited flag" -e "unhandled; explicitly declare" -e "CMakeLists.txt" || true; }
swift build -c release --product optralis-scheduler 2>&1 | { grep -v -e "prohibited flag" -e "unhandled; explicitly declare" -e "CMakeLists.txt" || true; }
swift build -c release --product optralis-bench 2>&1 | { grep -v -e "prohibited flag" -e "unhandled; explicitly declare" -e "CMakeLists.txt" || true; }
ingest_dir="$out/ingest"
rm -rf "$ingest_dir" && mkdir -p "$ingest_dir/callgrind"
CA_DIR="$ingest_dir/ca" "$bin/optralis-ca" server-cert --name 127.0.0.1 --out "$ingest_dir/server" >/dev/null
# Each agent holds a socket here and in the api: raise the open-files limit as far as allowed.
ulimit -n "$(ulimit -Hn)"
ingest_run() {  # ingest_run ARGS...: optralis-bench ingest on a fresh database
  psql -X -q "$admin_url" -c "DROP DATABASE IF EXISTS optralis_ingest WITH (FORCE)" -c "CREATE DATABASE optralis_ingest"
  redis-cli --no-auth-warning -u "$redis_url" flushall >/dev/null
  API_BIN=${api_bin:-${BENCH_API_BIN:-$bin/optralis-api}} SCHEDULER_BIN="$bin/optralis-scheduler" API_LOG="$ingest_dir/api.log" DATABASE_URL="${admin_url%/*}/optralis_ingest" REDIS_URL=$redis_url \
    JWT_SECRET=$(openssl rand -hex 32) DATABASE_CREDENTIALS_KEY=$(openssl rand -hex 32) INTERNAL_SERVICE_TOKEN=$(openssl rand -hex 32) PORT=${BENCH_INGEST_PORT:-3191} BIND_ADDRESS=127.0.0.1 LOG_LEVEL=${BENCH_API_LOG_LEVEL:-warning} \
    AGENT_TLS_PORT=$(( ${BENCH_INGEST_PORT:-3191} + 1 )) AGENT_TLS_CERT_FILE="$ingest_dir/server/server.crt" AGENT_TLS_KEY_FILE="$ingest_dir/server/server.key" \
    AGENT_TLS_CA_FILE="$ingest_dir/server/ca.crt" CA_DIR="$ingest_dir/ca" COLLECT_FIXTURES="$root/shared/Tests/OptralisTestSupport/Fixtures/collect" \
    "$bin/optralis-bench" ingest "$@"
}
only=${BENCH_INGEST_ONLY:-all}
{
  # Instructions per request, the api under callgrind (slow: a few minutes). valgrind 3.19 cannot
  # read the DWARF of a Swift release build: a copy without it (symbols kept).
  if [[ $only == all || $only == cost ]]; then
    strip -g -o "$ingest_dir/optralis-api" "${BENCH_API_BIN:-$bin/optralis-api}"
    api_bin="$ingest_dir/optralis-api" ingest_run --agents 4 --only cost
  fi
  if [[ $only != cost ]]; then
    ingest_run --agents "${BENCH_AGENTS:-2500,5000,10000,15000}" --window "${BENCH_WINDOW:-60}" --cleanup-rows "${BENCH_CLEANUP_ROWS:-10000000}" \
      --only "$only" ${BENCH_LEGACY_AGENTS:+--legacy-agents}
  fi
} | tee "$out/ingest.txt"
fi

if want agent; then
echo "==> agent footprint"
swift build -c release --product optralis-ca 2>&1 | { grep -v -e "prohibited flag" -e "unhandled; explicitly declare" -e "CMakeLists.txt" || true; }
# The agent as it ships (deploy/Dockerfile): Swift runtime linked in. A build directory of its
# own, so the flag does not rebuild the services' release build.
swift build -c release --static-swift-stdlib --scratch-path "$root/.build-agent" --product optralis-agent 2>&1 \
  | { grep -v -e "prohibited flag" -e "unhandled; explicitly declare" -e "CMakeLists.txt" -e "the use of .mktemp. is dangerous" || true; }
AGENT_BIN="$(swift build -c release --static-swift-stdlib --scratch-path "$root/.build-agent" --show-bin-path)/optralis-agent" \
  scripts/bench/agent-footprint.sh "$bin" "$admin_url" "$redis_url" "$out"
fi

if want fleet; then
echo "==> fleet reads"
scripts/bench/fleet-read.sh "$bin" "$admin_url" "$redis_url" "$out"
fi

if want ai; then
echo "==> ai analyses"
swift build -c release --product optralis-ai 2>&1 | { grep -v -e "prohibited flag" -e "unhandled; explicitly declare" -e "CMakeLists.txt" || true; }
swift build -c release --product optralis-scheduler 2>&1 | { grep -v -e "prohibited flag" -e "unhandled; explicitly declare" -e "CMakeLists.txt" || true; }
scripts/bench/ai.sh "$bin" "$admin_url" "$redis_url" "$out"
fi

if want apm; then
echo "==> apm: OTLP/HTTP trace ingestion"
scripts/bench/apm.sh "$bin" "$admin_url" "$redis_url" "$out"
# Beside the metrics collect path of the same run (its saturation, rows stored a second).
if want ingest; then
  spans=$(sed -n 's/.* \([0-9]*\) spans\/s over OTLP.*/\1/p' "$out/apm/result.txt")
  rows=$(sed -n 's/.*PostgreSQL rows written at saturation: \([0-9]*\) rows\/s.*/\1/p' "$out/ingest.txt" | head -1)
  if [ -n "$spans" ] && [ -n "$rows" ]; then
    python3 -c "import sys; print(f'apm: {int(sys.argv[1])} spans/s over OTLP/HTTP, {int(sys.argv[2])} metrics rows/s through POST /agent/collect at saturation in this run: {int(sys.argv[1]) / int(sys.argv[2]):.1f}x')" "$spans" "$rows" \
      | tee -a "$out/apm/result.txt"
  fi
fi
fi

if want auth; then
python3 -c "import sys; sys.exit(0 if $ratio >= 0.5 else 1)" || { echo "auth ratio below 0.5" >&2; exit 1; }
fi
