#!/usr/bin/env bash
# APM benchmark (part of `make bench`, BENCH_ONLY=apm): OTLP/HTTP trace ingestion on a release
# optralis-api over a database of its own. An Enterprise client with one application; the real
# OpenTelemetry SDK (scripts/tests/otlp_send.py in .local/venv-otel, as scripts/deps.sh installs
# it) sends BENCH_APM_TRACES traces of 4 spans (protobuf, batches of up to 512 spans) through
# BENCH_APM_SENDERS processes at once; the figure is the spans stored a second, from the first
# send to the last span in apm_spans (the SDK's own rate per sender is in the log too).
# Called by scripts/bench.sh with: bin admin_url redis_url out.
set -euo pipefail
bin=$1 admin_url=$2 redis_url=$3 out=$4
traces=${BENCH_APM_TRACES:-5000}
senders=${BENCH_APM_SENDERS:-4}
port=${BENCH_APM_PORT:-3194}
root="$(cd "$(dirname "$0")/../.." && pwd)"
python="$root/.local/venv-otel/bin/python"
dir="$out/apm"
rm -rf "$dir" && mkdir -p "$dir"
db="${admin_url%/*}/optralis_apm"
psql -X -q "$admin_url" -c "DROP DATABASE IF EXISTS optralis_apm WITH (FORCE)" -c "CREATE DATABASE optralis_apm"
DATABASE_URL=$db REDIS_URL=$redis_url JWT_SECRET=$(openssl rand -hex 32) INTERNAL_SERVICE_TOKEN=$(openssl rand -hex 32) DATABASE_CREDENTIALS_KEY=$(openssl rand -hex 32) \
  LOG_LEVEL=warning BIND_ADDRESS=127.0.0.1 PORT=$port "$bin/optralis-api" >"$dir/api.log" 2>&1 &
api=$!
trap 'kill $api 2>/dev/null || true' EXIT
for _ in $(seq 1 150); do curl -fsS -o /dev/null "http://127.0.0.1:$port/health" 2>/dev/null && break; sleep 0.2; done
curl -fsS -o /dev/null "http://127.0.0.1:$port/health" || { cat "$dir/api.log"; exit 1; }

# The application and its key in SQL (the key's SHA-256 is what the api looks up).
key="oapm_bench$(openssl rand -hex 16)"
hash=$(printf '%s' "$key" | sha256sum | cut -d' ' -f1)
psql -X -q -v ON_ERROR_STOP=1 "$db" <<SQL
WITH c AS (INSERT INTO clients (name, language, license_type) VALUES ('APM bench', 'en', 'enterprise') RETURNING id),
     m AS (INSERT INTO machines (client_id, hostname) SELECT id, 'apm-bench' FROM c RETURNING id, client_id)
INSERT INTO apm_applications (client_id, machine_id, name, url, ingest_key_hash, ingest_key_prefix)
SELECT client_id, id, 'Bench', 'http://127.0.0.1/', '$hash', '${key:0:12}' FROM m;
SQL

echo "==> $senders senders x $(( traces / senders )) traces of 4 spans over OTLP/HTTP (protobuf)"
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # utime + stime
api_ticks0=$(ticks $api)
start=$(date +%s.%N)
pids=()
for i in $(seq 1 "$senders"); do
  "$python" "$root/scripts/tests/otlp_send.py" --endpoint "http://127.0.0.1:$port" --key "$key" --traces $(( traces / senders )) >"$dir/sender-$i.log" 2>&1 &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid" || { cat "$dir"/sender-*.log; exit 1; }; done
end=$(date +%s.%N)
api_ticks1=$(ticks $api)
stored=$(psql -X -q -At "$db" -c "SELECT count(*) FROM apm_spans")
python3 - "$start" "$end" "$stored" "$(( traces / senders * senders * 4 ))" "$(( api_ticks1 - api_ticks0 ))" "$(getconf CLK_TCK)" <<'PY' | tee "$dir/result.txt"
import sys
start, end, stored, sent, ticks, hz = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
seconds, cpu = end - start, ticks / hz
print(f"apm: {stored} of {sent} spans stored in {seconds:.2f} s: {stored / seconds:.0f} spans/s over OTLP/HTTP (protobuf)")
print(f"     the api used {100 * cpu / seconds:.0f} % of a core meanwhile ({1e6 * cpu / max(stored, 1):.0f} µs of CPU a span); the senders (Python SDK) the rest")
PY
cat "$dir"/sender-*.log | grep "spans/s" || true
