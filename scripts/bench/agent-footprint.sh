#!/usr/bin/env bash
# Agent footprint (part of `make bench`, BENCH_ONLY=agent): a release optralis-agent enrolled
# against a release api + ca on this machine, at the default intervals for BENCH_AGENT_SECONDS
# (600). Reports peak RSS (VmHWM), average CPU % of one core ((utime+stime)/elapsed, the process's
# own and that of the tools it ran: smartctl, journalctl, apt-get, systemctl), binary size;
# beside Debian's prometheus-node-exporter scraped every 10 s by curl, when it installs.
# Called by scripts/bench.sh with: bin admin_url redis_url out; the agent is AGENT_BIN (default
# bin/optralis-agent), started with the environment its systemd unit sets (Enroller.environment).
# Listens on BENCH_AGENT_PORT (3195) and the four ports above it.
# The client is Pro and the agent's machine has what a Pro customer configures (issue 24): one
# PostgreSQL database to monitor (this bench's own, every 60 s) and one APM application whose URL
# the agent probes (the api's /health, at the default interval); BENCH_AGENT_PLAIN=1 leaves them out.
set -euo pipefail
bin=$1 admin_url=$2 redis_url=$3 out=$4
seconds=${BENCH_AGENT_SECONDS:-600}
agent_bin=${AGENT_BIN:-$bin/optralis-agent}
base=${BENCH_AGENT_PORT:-3195}
exporter_port=$base status_port=$((base + 1)) ca_port=$((base + 2)) api_port=$((base + 3)) tls_port=$((base + 4))
dir="$out/agent"
rm -rf "$dir" && mkdir -p "$dir"
db="${admin_url%/*}/optralis_agent"
psql -X -q "$admin_url" -c "DROP DATABASE IF EXISTS optralis_agent WITH (FORCE)" -c "CREATE DATABASE optralis_agent"
token=$(openssl rand -hex 32)
CA_DIR="$dir/ca" "$bin/optralis-ca" server-cert --name 127.0.0.1 --out "$dir/server" >/dev/null
export DATABASE_URL=$db REDIS_URL=$redis_url INTERNAL_SERVICE_TOKEN=$token LOG_LEVEL=warning
CA_DIR="$dir/ca" CA_PORT=$ca_port "$bin/optralis-ca" >"$dir/ca.log" 2>&1 &
pids=($!)
admin_email=footprint-root@optralis.local admin_password="Footprint-$(openssl rand -hex 6)!"
DEFAULT_ADMIN_EMAIL=$admin_email DEFAULT_ADMIN_PASSWORD=$admin_password JWT_SECRET=$(openssl rand -hex 32) DATABASE_CREDENTIALS_KEY=$(openssl rand -hex 32) PORT=$api_port BIND_ADDRESS=127.0.0.1 CA_SERVICE_URL=http://127.0.0.1:$ca_port \
  AGENT_TLS_PORT=$tls_port AGENT_PUBLIC_URL=https://127.0.0.1:$tls_port AGENT_TLS_CERT_FILE="$dir/server/server.crt" \
  AGENT_TLS_KEY_FILE="$dir/server/server.key" AGENT_TLS_CA_FILE="$dir/server/ca.crt" "$bin/optralis-api" >"$dir/api.log" 2>&1 &
pids+=($!)
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
for _ in $(seq 1 150); do curl -fsS -o /dev/null http://127.0.0.1:$api_port/health 2>/dev/null && break; sleep 0.2; done
client=$(psql -X -q -At "$db" -c "INSERT INTO clients (name, license_type) VALUES ('Agent footprint', 'pro') RETURNING id" | head -1)
secret=$(openssl rand -hex 24)
psql -X -q "$db" -c "INSERT INTO install_tokens (client_id, token_hash, max_usage) VALUES ('$client', '$(printf '%s' "$secret" | sha256sum | cut -d' ' -f1)', 1)"
OPTRALIS_INSTALL_TOKEN=$secret "$agent_bin" install --server http://127.0.0.1:$api_port --config-dir "$dir/etc" --state-dir "$dir/state" --no-service >/dev/null
configured="nothing else"
if [ -z "${BENCH_AGENT_PLAIN:-}" ]; then
  psql -X -q -v ON_ERROR_STOP=1 "$db" <<SQL
UPDATE users SET must_change_password = false WHERE email = '$admin_email';
INSERT INTO users (client_id, email, password_hash, role, must_change_password)
  SELECT '$client', 'footprint-admin@optralis.local', password_hash, 'admin', false FROM users WHERE email = '$admin_email';
SQL
  machine=$(psql -X -q -At "$db" -c "SELECT id FROM machines WHERE client_id = '$client'" | head -1)
  api() { curl -fsS -X "$1" "http://127.0.0.1:$api_port$2" -H 'Content-Type: application/json' ${token:+-H "Authorization: Bearer $token"} -d "$3"; }
  token=$(api POST /auth/login "{\"email\":\"footprint-admin@optralis.local\",\"password\":\"$admin_password\"}" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
  # This bench's PostgreSQL, as its URL names it: postgres://user:password@host:port/database.
  read -r pg_user pg_password pg_host pg_port < <(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(p.username, p.password, p.hostname, p.port)' "$admin_url")
  api POST /api/databases "{\"machine_id\":\"$machine\",\"name\":\"Bench PostgreSQL\",\"engine\":\"postgresql\",\"host\":\"$pg_host\",\"port\":$pg_port,\"database_name\":\"optralis_agent\",\"username\":\"$pg_user\",\"password\":\"$pg_password\"}" >/dev/null
  api POST /api/apm/applications "{\"machine_id\":\"$machine\",\"name\":\"Bench api\",\"url\":\"http://127.0.0.1:$api_port/health\"}" >/dev/null
  configured="one PostgreSQL database and one HTTP probe"
fi
GNUTLS_NO_IMPLICIT_INIT=1 MALLOC_ARENA_MAX=1 AGENT_STATUS_PORT=$status_port LOG_LEVEL=warning "$agent_bin" run --config-dir "$dir/etc" --state-dir "$dir/state" >"$dir/agent.log" 2>&1 &
agent=$!
pids+=($agent)

exporter=""
if command -v prometheus-node-exporter >/dev/null || apt-get install -y -qq prometheus-node-exporter >/dev/null 2>&1; then
  prometheus-node-exporter --web.listen-address=127.0.0.1:$exporter_port >"$dir/node_exporter.log" 2>&1 &
  exporter=$!
  pids+=($exporter)
  ( while kill -0 "$exporter" 2>/dev/null; do curl -fsS -o /dev/null http://127.0.0.1:$exporter_port/metrics || true; sleep 10; done ) &
  pids+=($!)
fi

ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15, $16 + $17}' "/proc/$1/stat"; }   # own utime+stime, then its waited-for children's
# CPU from start, and after the first minute: at start every collector runs once (apt-get's upgrade
# simulation included, which then runs every 6 hours), which ten minutes cannot average out.
warmup=$(( seconds > 120 ? 60 : 0 ))
read -r agent_own0 agent_tools0 < <(cpu $agent)
if [ -n "$exporter" ]; then read -r exporter_own0 exporter_tools0 < <(cpu "$exporter"); fi
sleep "$warmup"
read -r agent_own1 agent_tools1 < <(cpu $agent)
if [ -n "$exporter" ]; then read -r exporter_own1 exporter_tools1 < <(cpu "$exporter"); fi
sleep $((seconds - warmup))
report() {  # name pid own0 tools0 own1 tools1 binary: ticks at start and after the first minute
  local own tools peak anon file maps
  read -r own tools < <(cpu "$2")
  peak=$(awk '/VmHWM/ {print $2}' "/proc/$2/status")
  anon=$(awk '/RssAnon/ {print $2}' "/proc/$2/status") file=$(awk '/RssFile/ {print $2}' "/proc/$2/status")
  maps=$(wc -l <"/proc/$2/maps")
  python3 - "$1" "$peak" "$anon" "$file" "$maps" "$(stat -c %s "$7")" "$ticks" "$seconds" "$warmup" "$own" "$tools" "$3" "$4" "$5" "$6" <<'PY'
import sys
name, *numbers = sys.argv[1:]
peak, anon, file, maps, size, ticks, seconds, warmup, own, tools, own0, tools0, own1, tools1 = map(int, numbers)
pct = lambda used, span: 100 * used / ticks / span
print(f"  {name:<24} peak RSS {peak/1024:5.1f} MB   CPU {pct(own - own0 + tools - tools0, seconds):5.2f} % of one core"
      f" (itself {pct(own - own0, seconds):.2f} %, tools it ran {pct(tools - tools0, seconds):.2f} %)"
      + (f", after the first minute {pct(own - own1 + tools - tools1, seconds - warmup):.2f} % (itself {pct(own - own1, seconds - warmup):.2f} %)" if warmup else "")
      + f"   binary {size/1048576:5.1f} MB   (now: anonymous {anon/1024:.1f} MB, mapped files {file/1024:.1f} MB, {maps} mappings)")
PY
}
rows=$(psql -X -q -At "$db" -c "SELECT count(*) FROM metrics")
extra=$(psql -X -q -At "$db" -c "SELECT (SELECT count(*) FROM database_metrics) || ' database samples, ' || (SELECT count(*) FROM apm_probes) || ' probe results'")
{
  echo "agent footprint ($(date -u +%Y-%m-%dT%H:%M:%SZ), release build, ${seconds}s at the default intervals, $configured configured; $rows metrics rows, $extra posted)"
  report optralis-agent "$agent" "$agent_own0" "$agent_tools0" "$agent_own1" "$agent_tools1" "$agent_bin"
  if [ -n "$exporter" ]; then report prometheus-node-exporter "$exporter" "$exporter_own0" "$exporter_tools0" "$exporter_own1" "$exporter_tools1" "$(command -v prometheus-node-exporter)"; else echo "  prometheus-node-exporter: not installable here"; fi
  echo "  targets: RSS < 15 MB, CPU < 0.5 % of one core, both below node_exporter"
} | tee "$out/agent.txt"
