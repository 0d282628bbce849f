#!/usr/bin/env bash
# AI benchmark (part of `make bench`, BENCH_ONLY=ai): a release optralis-ai, no Claude key (the
# statistics alone, which are the service's own work), over a database of its own.
#
# one machine: 30 days of 10-second metrics (259,200 rows) rolled up by the scheduler's own
# roll-up job; each iteration clears the machine's earlier analyses (so the cooldown and the
# change detection let the next one run) and times, over HTTP, POST /ai/health-score,
# /ai/analyze/anomalies (the z-score drift against the 7-day baseline) and /ai/analyze/trends
# (p95/p99 over 7 and 30 days from the roll-ups): p50/p99 of each and of the three together
# (target p99 < 100 ms for the three).
#
# routine runs: 1,000 machines with 48 hours of one-minute metrics and 30 days of hourly
# roll-ups; a daily_health_check, a trend_analysis and a drift_detection routine made due, run by
# the service's automation worker; the time of each run from ai_routine_history (target < 60 s).
# Called by scripts/bench.sh with: bin admin_url redis_url out.
set -euo pipefail
bin=$1 admin_url=$2 redis_url=$3 out=$4
iterations=${BENCH_AI_ITERATIONS:-100}
machines=${BENCH_AI_MACHINES:-1000}
dir="$out/ai"
rm -rf "$dir" && mkdir -p "$dir"
db="${admin_url%/*}/optralis_ai"
psql -X -q "$admin_url" -c "DROP DATABASE IF EXISTS optralis_ai WITH (FORCE)" -c "CREATE DATABASE optralis_ai"
token=$(openssl rand -hex 32)
export DATABASE_URL=$db REDIS_URL=$redis_url INTERNAL_SERVICE_TOKEN=$token LOG_LEVEL=warning BIND_ADDRESS=127.0.0.1

# The api migrates the database; it is not needed afterwards.
JWT_SECRET=$(openssl rand -hex 32) DATABASE_CREDENTIALS_KEY=$(openssl rand -hex 32) PORT=3193 "$bin/optralis-api" >"$dir/api.log" 2>&1 &
api=$!
for _ in $(seq 1 150); do curl -fsS -o /dev/null http://127.0.0.1:3193/health 2>/dev/null && break; sleep 0.2; done
curl -fsS -o /dev/null http://127.0.0.1:3193/health || { cat "$dir/api.log"; exit 1; }
kill $api; wait $api 2>/dev/null || true

echo "==> seeding one machine with 30 days of 10-second metrics, $machines machines with 48 hours of one-minute metrics"
start=$(date +%s)
client=$(psql -X -q -At "$db" -c "INSERT INTO clients (name, language, license_type) VALUES ('AI bench', 'en', 'enterprise') RETURNING id" | head -1)
one=$(psql -X -q -At "$db" -c "INSERT INTO machines (client_id, hostname, os, last_seen) VALUES ('$client', 'ai-one', 'Debian 12', now()) RETURNING id" | head -1)
psql -X -q -v ON_ERROR_STOP=1 "$db" <<SQL
INSERT INTO metrics (machine_id, recorded_at, cpu_percent, ram_percent, disk_latency_ms, io_wait_percent, uptime_seconds)
  SELECT '$one', t, 25 + 15 * sin(extract(epoch FROM t) / 13751) + random() * 10, 55 + random() * 5,
         CASE WHEN random() < 0.002 THEN 80 ELSE 3 + random() * 4 END, random() * 4,
         extract(epoch FROM t - (now() - interval '31 days'))::bigint
  FROM generate_series(now() - interval '30 days', now() - interval '10 seconds', interval '10 seconds') t;
INSERT INTO disk_info (machine_id, recorded_at, mount_point, device, fs_type, total_gb, used_gb, used_percent)
  VALUES ('$one', now() - interval '1 minute', '/', '/dev/sda1', 'ext4', 200, 120, 60);
INSERT INTO event_logs (machine_id, recorded_at, level, source, message)
  SELECT '$one', now() - n * interval '37 minutes', CASE WHEN n % 7 = 0 THEN 'critical' ELSE 'error' END, 'app-' || (n % 5), 'failure ' || (n % 11)
  FROM generate_series(1, 300) n;
INSERT INTO machines (client_id, hostname, os, last_seen, created_at)
  SELECT '$client', 'ai-' || lpad(i::text, 4, '0'), 'Debian 12', now(), now() - interval '40 days' FROM generate_series(1, $machines) i;
INSERT INTO metrics (machine_id, recorded_at, cpu_percent, ram_percent, disk_latency_ms, uptime_seconds)
  SELECT m.id, t, 10 + random() * 60, 40 + random() * 40, 2 + random() * 6, extract(epoch FROM t - (now() - interval '3 days'))::bigint
  FROM machines m CROSS JOIN generate_series(now() - interval '48 hours', now() - interval '1 minute', interval '1 minute') t
  WHERE m.client_id = '$client' AND m.id <> '$one';
INSERT INTO disk_info (machine_id, recorded_at, mount_point, device, fs_type, total_gb, used_gb, used_percent)
  SELECT id, now() - interval '2 minutes', '/', '/dev/vda1', 'ext4', 100, 40 + (abs(hashtext(hostname)) % 50), 40 + (abs(hashtext(hostname)) % 50)
  FROM machines WHERE client_id = '$client' AND id <> '$one';
INSERT INTO metrics_hourly (machine_id, bucket, cpu_avg, cpu_min, cpu_max, ram_avg, ram_min, ram_max, disk_latency_avg, disk_latency_max, sample_count)
  SELECT m.id, b, 30 + random() * 20, 5, 90, 50 + random() * 10, 40, 70, 3 + random() * 4, 20, 60
  FROM machines m CROSS JOIN generate_series(date_trunc('hour', now()) - interval '30 days', date_trunc('hour', now()) - interval '49 hours', interval '1 hour') b
  WHERE m.client_id = '$client' AND m.id <> '$one';
SQL
# The one machine's roll-ups (and the 1,000's last two days) by the scheduler's own job.
redis-cli --no-auth-warning -u "$redis_url" del scheduler:rollup:watermark >/dev/null
"$bin/optralis-scheduler" run-job rollups >"$dir/rollups.txt"
psql -X -q "$db" -c "ANALYZE"
echo "seeded in $(( $(date +%s) - start )) s: $(psql -X -q -At "$db" -c "SELECT count(*) FROM metrics") metric rows, $(psql -X -q -At "$db" -c "SELECT count(*) FROM metrics_hourly") hourly roll-ups"

AI_PORT=3192 AI_RATE_LIMIT_PER_MINUTE=100000 AI_AUTOMATION_INTERVAL_SECONDS=1 "$bin/optralis-ai" >"$dir/ai.log" 2>&1 &
ai=$!
trap 'kill $ai 2>/dev/null || true; wait 2>/dev/null || true' EXIT
for _ in $(seq 1 150); do curl -fsS -o /dev/null http://127.0.0.1:3192/health 2>/dev/null && break; sleep 0.2; done
curl -fsS -o /dev/null http://127.0.0.1:3192/health || { cat "$dir/ai.log"; exit 1; }

echo "==> one machine: health-score + anomalies (drift) + trends, $iterations times"
analyse() {
  curl -sS -o "$dir/last-$1.json" -w '%{http_code} %{time_total}\n' -X POST "http://127.0.0.1:3192/ai/$2" \
    -H "X-Internal-Token: $token" -H "X-Client-ID: $client" -H 'Content-Type: application/json' -d "{\"machine_id\": \"$one\"}"
}
: >"$dir/times.txt"
for i in $(seq 1 "$iterations"); do
  psql -X -q "$db" -c "DELETE FROM ai_analysis_results WHERE machine_id = '$one'"
  read -r s1 t1 < <(analyse health health-score)
  read -r s2 t2 < <(analyse drift analyze/anomalies)
  read -r s3 t3 < <(analyse trends analyze/trends)
  [ "$s1$s2$s3" = "200200200" ] || { echo "iteration $i: HTTP $s1 $s2 $s3" >&2; cat "$dir"/last-*.json >&2; exit 1; }
  echo "$t1 $t2 $t3" >>"$dir/times.txt"
done
python3 - "$dir/times.txt" <<'PY' | tee "$dir/one-machine.txt"
import sys
rows = [[float(x) * 1000 for x in line.split()] for line in open(sys.argv[1]) if line.strip()]
def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]
print(f"one machine, 30 days of 10-second metrics, {len(rows)} iterations (ms):")
for name, column in [("health-score", 0), ("anomalies (drift)", 1), ("trends", 2)]:
    values = [row[column] for row in rows]
    print(f"  {name:<20} p50 {pct(values, 50):7.2f}   p99 {pct(values, 99):7.2f}")
total = [sum(row) for row in rows]
print(f"  {'the three':<20} p50 {pct(total, 50):7.2f}   p99 {pct(total, 99):7.2f}   (target p99 < 100 ms)")
PY

echo "==> routine runs over $machines machines"
for type in daily_health_check trend_analysis drift_detection; do
  psql -X -q "$db" -c "DELETE FROM ai_analysis_results"
  psql -X -q "$db" -c "INSERT INTO ai_routines (client_id, routine_type, config, next_run_at) VALUES ('$client', '$type', '{\"machines\": \"all\"}', now())"
  for _ in $(seq 1 600); do
    done_count=$(psql -X -q -At "$db" -c "SELECT count(*) FROM ai_routine_history WHERE routine_type = '$type' AND status <> 'running'")
    [ "$done_count" -ge 1 ] && break
    sleep 0.5
  done
  psql -X -q -At -F ' ' "$db" -c "SELECT routine_type, status, machines_analyzed, COALESCE((result->>'machines_skipped')::int, 0),
      round(extract(epoch FROM completed_at - started_at)::numeric, 2) FROM ai_routine_history WHERE routine_type = '$type'" \
    | awk -v m="$machines" '{printf "  %-20s %s: %s analysed, %s skipped, %s s   (target < 60 s for %d machines)\n", $1, $2, $3, $4, $5, m+1}' \
    | tee -a "$dir/routines.txt"
done
