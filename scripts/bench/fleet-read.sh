#!/usr/bin/env bash
# Fleet read benchmark (part of `make bench`, BENCH_ONLY=fleet): a release api over a seeded
# database of 10,000 machines of one client (groups, labels, a snapshot of every collector) with 30
# days of metrics for 100 of them (BENCH_FLEET_SAMPLE_SECONDS apart, 60 by default) and their hourly
# roll-ups. Measures p50/p99 of one sequential client (wrk, 1 connection, random targets) on:
#   - the machine list, a page of 50 (random page): cached (Redis, the production set-up) and
#     uncached (a second api without Redis);
#   - the machine detail (random machine);
#   - the 30-day CPU history (random machine of the 100);
# each beside the same data fetched by the equivalent hand-written SQL through psql (\timing,
# one session, random targets) in the same run. Then the dashboard (a release optralis-web over
# the cached api): p50/p99 of /machines (random page) and of a machine page with 30 days of
# charts, beside the api calls they make, and each page's weight and request count.
# Called by scripts/bench.sh with: bin admin_url redis_url out.
set -euo pipefail
bin=$1 admin_url=$2 redis_url=$3 out=$4
root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${BENCH_SECONDS:-10}
sample=${BENCH_FLEET_SAMPLE_SECONDS:-60}
dir="$out/fleet"
rm -rf "$dir" && mkdir -p "$dir"
db="${admin_url%/*}/optralis_fleet"
psql -X -q "$admin_url" -c "DROP DATABASE IF EXISTS optralis_fleet WITH (FORCE)" -c "CREATE DATABASE optralis_fleet"

email=fleet-root@optralis.local
password="Fleet-Bench-$(openssl rand -hex 6)!"
export DATABASE_URL=$db JWT_SECRET=$(openssl rand -hex 32) DATABASE_CREDENTIALS_KEY=$(openssl rand -hex 32) INTERNAL_SERVICE_TOKEN=$(openssl rand -hex 32) LOG_LEVEL=warning \
  BIND_ADDRESS=127.0.0.1 AUTH_RATE_LIMIT=10000 DEFAULT_ADMIN_EMAIL=$email DEFAULT_ADMIN_PASSWORD=$password
REDIS_URL=$redis_url CACHE_KEY_PREFIX=fleet-bench: PORT=3187 "$bin/optralis-api" >"$dir/api.log" 2>&1 &
pids=($!)
trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true' EXIT
for _ in $(seq 1 150); do curl -fsS -o /dev/null http://127.0.0.1:3187/health 2>/dev/null && break; sleep 0.2; done
curl -fsS -o /dev/null http://127.0.0.1:3187/health || { cat "$dir/api.log"; exit 1; }
# The same api without Redis: every list request reads PostgreSQL.
REDIS_URL= PORT=3188 "$bin/optralis-api" >"$dir/api-uncached.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 150); do curl -fsS -o /dev/null http://127.0.0.1:3188/health 2>/dev/null && break; sleep 0.2; done

echo "==> seeding 10,000 machines, 30 days of metrics every ${sample}s for 100 of them"
fixtures="$root/shared/Tests/OptralisTestSupport/Fixtures/collect"
start=$(date +%s)
client=$(psql -X -q -At "$db" -c "INSERT INTO clients (name, license_type) VALUES ('Fleet bench', 'enterprise') RETURNING id" | head -1)
psql -X -q -v ON_ERROR_STOP=1 "$db" <<SQL
UPDATE users SET must_change_password = false WHERE email = '$email';
INSERT INTO users (client_id, email, password_hash, role, must_change_password)
  SELECT '$client', 'fleet-admin@optralis.local', password_hash, 'admin', false FROM users WHERE email = '$email';
INSERT INTO groups (client_id, name, color) SELECT '$client', 'Group ' || g, '#3b82f6' FROM generate_series(1, 20) g;
INSERT INTO machines (client_id, hostname, os, os_version, ip_address, agent_version, last_seen, health_score, group_id,
                      cert_serial, cert_expires_at, created_at)
  SELECT '$client', 'fleet-' || lpad(i::text, 5, '0'), CASE WHEN i % 3 = 0 THEN 'windows' ELSE 'linux' END,
         CASE WHEN i % 3 = 0 THEN '10.0.19045' ELSE 'Debian GNU/Linux 12 (bookworm)' END,
         '10.' || (i / 250) || '.' || (i % 250) || '.1', '1.' || (i % 4) || '.0',
         now() - (i % 600) * interval '1 second', 40 + i % 60,
         (SELECT id FROM groups WHERE client_id = '$client' ORDER BY name OFFSET i % 20 LIMIT 1),
         lpad(to_hex(i), 16, '0'), now() + (i % 400) * interval '1 day', now() - (i % 90) * interval '1 day'
  FROM generate_series(1, 10000) i;
INSERT INTO labels (client_id, key, color) SELECT '$client', k, '#10b981' FROM unnest(ARRAY['env', 'site', 'role', 'owner', 'tier']) k;
INSERT INTO machine_labels (client_id, machine_id, label_id, value)
  SELECT '$client', m.id, l.id, l.key || '-' || (abs(hashtext(m.hostname || l.key)) % 5)
  FROM machines m JOIN labels l ON l.client_id = m.client_id AND l.key IN ('env', 'site') WHERE m.client_id = '$client';
-- What the alert-rule and notification pages read: 50 rules with 2,000 firings, 10 channels
-- with 5,000 deliveries.
INSERT INTO alert_rules (client_id, name, metric, operator, threshold, severity, cooldown_minutes, group_id)
  SELECT '$client', 'Rule ' || r, (ARRAY['cpu', 'ram', 'disk', 'temperature'])[1 + r % 4], '>', 70 + r % 25,
         (ARRAY['low', 'warning', 'critical'])[1 + r % 3], 30, CASE WHEN r % 2 = 0 THEN (SELECT id FROM groups WHERE client_id = '$client' ORDER BY name OFFSET r % 20 LIMIT 1) END
  FROM generate_series(1, 50) r;
INSERT INTO alert_rule_history (client_id, rule_id, machine_id, rule_name, metric, operator, threshold, severity, triggered_value, triggered_at, resolved_at)
  SELECT '$client', r.id, m.id, r.name, r.metric, r.operator, r.threshold, r.severity, r.threshold + 3, now() - i * interval '5 minutes',
         CASE WHEN i % 3 = 0 THEN now() - i * interval '5 minutes' + interval '20 minutes' END
  FROM generate_series(1, 2000) i
  JOIN LATERAL (SELECT * FROM alert_rules WHERE client_id = '$client' ORDER BY name OFFSET i % 50 LIMIT 1) r ON true
  JOIN LATERAL (SELECT id FROM machines WHERE client_id = '$client' AND hostname = 'fleet-' || lpad((1 + i % 10000)::text, 5, '0')) m ON true;
INSERT INTO notification_channels (client_id, type, name, config, alert_types)
  SELECT '$client', CASE WHEN c % 2 = 0 THEN 'email' ELSE 'webhook_slack' END, 'Channel ' || c,
         CASE WHEN c % 2 = 0 THEN jsonb_build_object('emails', jsonb_build_array('ops' || c || '@fleet.test'))
              ELSE jsonb_build_object('webhook_url', 'https://hooks.slack.com/services/T0/B' || c || '/secret' || c) END,
         ARRAY['machine_offline', 'disk_critical']
  FROM generate_series(1, 10) c;
INSERT INTO notification_history (client_id, channel_id, channel_type, alert_type, severity, subject, message, status, attempts, error_message, sent_at)
  SELECT '$client', ch.id, ch.type, 'machine_offline', 'warning', 'fleet-' || lpad((1 + i % 10000)::text, 5, '0') || ' is offline', 'Offline since 10 minutes.',
         CASE WHEN i % 20 = 0 THEN 'failed' ELSE 'sent' END, 1 + i % 3, CASE WHEN i % 20 = 0 THEN 'HTTP 500 from the webhook' END, now() - i * interval '1 minute'
  FROM generate_series(1, 5000) i JOIN LATERAL (SELECT id, type FROM notification_channels WHERE client_id = '$client' ORDER BY name OFFSET i % 10 LIMIT 1) ch ON true;
SQL
for collector in metrics storage storage_health network services security software patches; do
  json=$(python3 -c "import json,sys; print(json.dumps(json.load(open(sys.argv[1]))))" "$fixtures/$collector.json")
  # psql interpolates :'data' in a script, not in -c.
  psql -X -q -v ON_ERROR_STOP=1 -v data="$json" "$db" >/dev/null <<<"INSERT INTO machine_collector_data (machine_id, collector, data)
    SELECT id, '$collector', :'data'::jsonb FROM machines WHERE client_id = '$client'"
done
psql -X -q -v ON_ERROR_STOP=1 "$db" <<SQL
CREATE TEMP TABLE history_machines AS SELECT id FROM machines WHERE client_id = '$client' ORDER BY hostname LIMIT 100;
INSERT INTO metrics (machine_id, recorded_at, cpu_percent, ram_percent, cpu_temp)
  SELECT h.id, t, 20 + 15 * sin(extract(epoch FROM t) / 3600.0) + random() * 10, 50 + random() * 20, 45 + random() * 10
  FROM history_machines h, generate_series(now() - interval '30 days', now(), $sample * interval '1 second') t;
INSERT INTO metrics_hourly (machine_id, bucket, cpu_avg, cpu_min, cpu_max, ram_avg, ram_min, ram_max, cpu_temp_avg, cpu_temp_min, cpu_temp_max, sample_count)
  SELECT machine_id, date_trunc('hour', recorded_at), avg(cpu_percent), min(cpu_percent), max(cpu_percent), avg(ram_percent), min(ram_percent),
         max(ram_percent), avg(cpu_temp), min(cpu_temp), max(cpu_temp), count(*)
  FROM metrics GROUP BY 1, 2;
-- The dashboard's other 30-day charts read these roll-ups: traffic, latency, two volumes.
INSERT INTO network_hourly (machine_id, bucket, bytes_recv_avg, bytes_recv_max, bytes_sent_avg, bytes_sent_max, packet_loss_avg,
                            packet_loss_max, latency_avg, latency_max, sample_count)
  SELECT machine_id, bucket, 2e5 + random() * 1e5, 6e5, 5e4 + random() * 5e4, 2e5, 0, 0.5, 8 + random() * 4, 30, sample_count FROM metrics_hourly;
INSERT INTO disk_hourly (machine_id, bucket, mount_point, disk_usage_avg, disk_usage_max, sample_count)
  SELECT machine_id, bucket, mount, base + random(), base + 1, sample_count FROM metrics_hourly, (VALUES ('/', 62.0), ('/var', 81.0)) v(mount, base);
VACUUM ANALYZE;
SQL
rows=$(psql -X -q -At "$db" -c "SELECT count(*) FROM metrics")
echo "  seeded in $(( $(date +%s) - start )) s: $rows metric rows"

login() {
  curl -fsS -X POST "http://127.0.0.1:$1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"email\":\"fleet-admin@optralis.local\",\"password\":\"$password\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}
token=$(login 3187)
uncached_token=$(login 3188)

# Targets: the same random choices for the api and for psql.
psql -X -q -At "$db" -c "SELECT id FROM machines WHERE client_id = '$client' ORDER BY random() LIMIT 500" >"$dir/ids.txt"
psql -X -q -At "$db" -c "SELECT m.hostname FROM machines m JOIN (SELECT DISTINCT machine_id FROM metrics_hourly) h ON h.machine_id = m.id" >"$dir/history-hosts.txt"
python3 -c "import random; [print(random.randint(1, 200)) for _ in range(500)]" >"$dir/pages.txt"
sed 's|^|/api/machines?limit=50\&page=|' "$dir/pages.txt" >"$dir/list.paths"
sed 's|^|/api/machines/|' "$dir/ids.txt" >"$dir/detail.paths"
sed 's|^|/api/machines/by-hostname/|; s|$|/metrics?range=30d|' "$dir/history-hosts.txt" >"$dir/history.paths"
cat >"$dir/paths.lua" <<'LUA'
local paths = {}
function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  math.randomseed(os.time())
end
function request()
  return wrk.format("GET", paths[math.random(#paths)])
end
LUA

# p50 and p99 in ms, and requests/s, from wrk's --latency distribution: port, header, paths file.
latency() {
  local port=$1 header=$2 paths=$3
  wrk -t1 -c1 -d"${seconds}s" --latency -H "$header" -s "$dir/paths.lua" "http://127.0.0.1:$port" -- "$paths" >"$dir/wrk.out"
  grep -q "Non-2xx" "$dir/wrk.out" && { echo "non-2xx answers for $paths:" >&2; cat "$dir/wrk.out" >&2; exit 1; }
  python3 - "$dir/wrk.out" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def ms(label):
    value, unit = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
requests = re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)
print(f"{ms(50):.2f} {ms(99):.2f} {requests}")
PY
}
api_latency() { latency "$1" "Authorization: Bearer $2" "$3"; }

# p50 and p99 in ms of psql's \timing over a file of statements.
sql_latency() {
  { echo '\timing on'; cat "$1"; } >"$dir/timed.sql"
  psql -X -q -v ON_ERROR_STOP=1 "$db" -f "$dir/timed.sql" -o /dev/null | python3 -c '
import re, sys
v = sorted(float(m) for m in re.findall(r"Time: ([\d.]+) ms", sys.stdin.read()))
print(f"{v[len(v) // 2]:.2f} {v[min(len(v) - 1, int(len(v) * 0.99))]:.2f}")'
}

online="m.last_seen > now() - interval '5 minutes'"
while read -r page; do
  echo "SELECT m.id, m.hostname, m.os, m.os_version, m.ip_address, m.agent_version, m.last_seen,
    CASE WHEN $online THEN 'online' ELSE 'offline' END, m.health_score, m.is_os_compliant, m.group_id, g.name, m.maintenance_mode,
    m.update_channel, m.cert_expires_at, count(*) OVER ()
    FROM machines m LEFT JOIN groups g ON g.id = m.group_id WHERE m.client_id = '$client'
    ORDER BY m.hostname, m.id LIMIT 50 OFFSET $(( (page - 1) * 50 ));"
done <"$dir/pages.txt" >"$dir/list.sql"
while read -r id; do
  echo "SELECT m.*, (SELECT json_agg(json_build_object('key', l.key, 'value', ml.value, 'color', l.color)) FROM machine_labels ml JOIN labels l ON l.id = ml.label_id WHERE ml.machine_id = m.id),
    (SELECT json_object_agg(collector, data) FROM machine_collector_data WHERE machine_id = m.id)
    FROM machines m WHERE m.id = '$id' AND m.client_id = '$client';"
done <"$dir/ids.txt" >"$dir/detail.sql"
for _ in 1 2 3 4 5; do
  while read -r host; do
    echo "SELECT bucket, cpu_avg, ram_avg, cpu_temp_avg, cpu_min, cpu_max, ram_min, ram_max FROM metrics_hourly
      WHERE machine_id = (SELECT id FROM machines WHERE client_id = '$client' AND lower(hostname) = lower('$host'))
      AND bucket > now() - interval '720 hours' ORDER BY bucket;"
  done <"$dir/history-hosts.txt"
done >"$dir/history.sql"

echo "==> wrk: ${seconds}s per route, 1 connection, random targets; psql: one session, the same targets"
read -r list_p50 list_p99 list_rps < <(api_latency 3187 "$token" "$dir/list.paths")
read -r listu_p50 listu_p99 listu_rps < <(api_latency 3188 "$uncached_token" "$dir/list.paths")
read -r detail_p50 detail_p99 detail_rps < <(api_latency 3187 "$token" "$dir/detail.paths")
read -r history_p50 history_p99 history_rps < <(api_latency 3187 "$token" "$dir/history.paths")
read -r sql_list_p50 sql_list_p99 < <(sql_latency "$dir/list.sql")
read -r sql_detail_p50 sql_detail_p99 < <(sql_latency "$dir/detail.sql")
read -r sql_history_p50 sql_history_p99 < <(sql_latency "$dir/history.sql")

row() { # name api_p50 api_p99 rps sql_p50 sql_p99 target
  python3 -c "
import sys
name, a50, a99, rps, s50, s99, target = sys.argv[1:]
verdict = 'met' if float(a99) < float(target) else 'MISSED'
print(f'  {name:<24} p50 {float(a50):6.2f} ms  p99 {float(a99):6.2f} ms  ({float(rps):7.1f} req/s)   psql p50 {float(s50):6.2f} ms  p99 {float(s99):6.2f} ms   api/psql p99 {float(a99) / max(float(s99), 0.001):5.1f}x   target p99 < {target} ms: {verdict}')
" "$@"
}
{
  echo "fleet read benchmark ($(date -u +%Y-%m-%dT%H:%M:%SZ), release build, $(nproc) cores): 10,000 machines, $rows metric rows (100 machines × 30 days every ${sample}s)"
  row "list, page of 50 (cached)" "$list_p50" "$list_p99" "$list_rps" "$sql_list_p50" "$sql_list_p99" 30
  row "list, page of 50 (no Redis)" "$listu_p50" "$listu_p99" "$listu_rps" "$sql_list_p50" "$sql_list_p99" 30
  row "machine detail" "$detail_p50" "$detail_p99" "$detail_rps" "$sql_detail_p50" "$sql_detail_p99" 15
  row "30-day CPU history" "$history_p50" "$history_p99" "$history_rps" "$sql_history_p50" "$sql_history_p99" 50
} | tee "$out/fleet.txt"

# The dashboard (optralis-web, release) over the cached api above: the machine list and a machine
# page with 30 days of history, each beside the api calls it makes, in the same run; what each
# page weighs and how many requests it needs.
echo "==> dashboard: optralis-web on the cached api"
REDIS_URL=$redis_url API_SERVICE_URL=http://127.0.0.1:3187 WEB_PORT=3189 OPTRALIS_WEB_DIR="$root/services/web/Resources" \
  "$bin/optralis-web" >"$dir/web.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 150); do curl -fsS -o /dev/null http://127.0.0.1:3189/health 2>/dev/null && break; sleep 0.2; done
jar="$dir/cookies.txt"
csrf=$(curl -fsS -c "$jar" http://127.0.0.1:3189/login | python3 -c 'import re,sys; print(re.search(r"name=\"_csrf\" value=\"([^\"]+)\"", sys.stdin.read()).group(1))')
curl -fsS -o /dev/null -b "$jar" -c "$jar" --data-urlencode "_csrf=$csrf" --data-urlencode "email=fleet-admin@optralis.local" \
  --data-urlencode "password=$password" http://127.0.0.1:3189/login
session=$(awk '$6 == "optralis_session" { print $7 }' "$jar")
[ -n "$session" ] || { echo "dashboard login failed" >&2; cat "$dir/web.log" >&2; exit 1; }
psql -X -q -At "$db" -c "SELECT m.id FROM machines m JOIN (SELECT DISTINCT machine_id FROM metrics_hourly) h ON h.machine_id = m.id" \
  | sed 's|^|/machines/|; s|$|?range=30d|' >"$dir/web-machine.paths"
sed 's|^|/machines?page=|' "$dir/pages.txt" >"$dir/web-list.paths"
web_latency() { latency 3189 "Cookie: optralis_session=$session" "$1"; }
echo "/api/groups" >"$dir/groups.paths"
read -r groups_p50 groups_p99 groups_rps < <(api_latency 3187 "$token" "$dir/groups.paths")
sed 's|^/machines/\([^?]*\)?range=30d|/api/machines/\1|' "$dir/web-machine.paths" >"$dir/history-detail.paths"
read -r hdetail_p50 hdetail_p99 hdetail_rps < <(api_latency 3187 "$token" "$dir/history-detail.paths")
read -r web_list_p50 web_list_p99 web_list_rps < <(web_latency "$dir/web-list.paths")
read -r web_machine_p50 web_machine_p99 web_machine_rps < <(web_latency "$dir/web-machine.paths")
echo "/alerts" >"$dir/web-alerts.paths"
printf '%s\n' "/notifications" "/notifications?page=2" "/notifications?status=failed" >"$dir/web-notifications.paths"
read -r web_alerts_p50 web_alerts_p99 web_alerts_rps < <(web_latency "$dir/web-alerts.paths")
read -r web_notifications_p50 web_notifications_p99 web_notifications_rps < <(web_latency "$dir/web-notifications.paths")

# Weight: the page, then what it loads (stylesheet, script), raw and as Caddy sends it (gzip).
page_weight() {
  python3 - "$1" "$session" <<'PY'
import gzip, re, sys, urllib.request
base = "http://127.0.0.1:3189"
def get(path):
    request = urllib.request.Request(base + path, headers={"Cookie": "optralis_session=" + sys.argv[2]})
    with urllib.request.urlopen(request) as response:
        return response.read()
html = get(sys.argv[1])
refs = re.findall(r'(?:src|href)="([^"]+)"', html.decode())
loads = [r for r in re.findall(r'<(?:script|img|link)[^>]+(?:src|href)="([^"]+)"', html.decode())]
external = [r for r in refs if re.match(r"^(https?:)?//", r) and not r.startswith(base)]
assets = [get(path) for path in loads]
raw = len(html) + sum(map(len, assets))
packed = len(gzip.compress(html)) + sum(len(gzip.compress(a)) for a in assets)
print(f"{len(html)} {raw} {packed} {1 + len(loads)} {len(external)}")
PY
}
list_page=$(head -1 "$dir/web-list.paths"); machine_page=$(head -1 "$dir/web-machine.paths")
read -r list_html list_raw list_gzip list_requests list_external < <(page_weight "$list_page")
read -r machine_html machine_raw machine_gzip machine_requests machine_external < <(page_weight "$machine_page")
read -r alerts_html alerts_raw alerts_gzip alerts_requests alerts_external < <(page_weight /alerts)
read -r notifications_html notifications_raw notifications_gzip notifications_requests notifications_external < <(page_weight /notifications)
{
  python3 - "$web_list_p50" "$web_list_p99" "$web_list_rps" "$list_p99" "$groups_p99" \
    "$web_machine_p50" "$web_machine_p99" "$web_machine_rps" "$hdetail_p99" "$history_p99" <<'PY'
import sys
(l50, l99, lrps, api_list99, groups99, m50, m99, mrps, detail99, history99) = map(float, sys.argv[1:])
def verdict(value, target): return "met" if value < target else "MISSED"
print(f"  {'dashboard /machines':<24} p50 {l50:6.2f} ms  p99 {l99:6.2f} ms  ({lrps:7.1f} req/s)   its api calls at once: list p99 {api_list99:.2f} ms, groups p99 {groups99:.2f} ms   target p99 < 50 ms: {verdict(l99, 50)}")
print(f"  {'dashboard /machines/{id}':<24} p50 {m50:6.2f} ms  p99 {m99:6.2f} ms  ({mrps:7.1f} req/s)   its api calls: detail p99 {detail99:.2f} ms, then 3 histories at once (30-day CPU p99 {history99:.2f} ms)   target p99 < 50 ms: {verdict(m99, 50)}")
PY
  python3 - "$web_alerts_p50" "$web_alerts_p99" "$web_alerts_rps" "$web_notifications_p50" "$web_notifications_p99" "$web_notifications_rps" <<'PY'
import sys
(a50, a99, arps, n50, n99, nrps) = map(float, sys.argv[1:])
def verdict(value, target): return "met" if value < target else "MISSED"
print(f"  {'dashboard /alerts':<24} p50 {a50:6.2f} ms  p99 {a99:6.2f} ms  ({arps:7.1f} req/s)   50 rules, the last 50 of 2,000 firings   target p99 < 50 ms: {verdict(a99, 50)}")
print(f"  {'dashboard /notifications':<24} p50 {n50:6.2f} ms  p99 {n99:6.2f} ms  ({nrps:7.1f} req/s)   10 channels, pages of 50 of 5,000 deliveries   target p99 < 50 ms: {verdict(n99, 50)}")
PY
  for page in alerts notifications; do
    eval "html=\$${page}_html raw=\$${page}_raw gzip=\$${page}_gzip requests=\$${page}_requests external=\$${page}_external"
    echo "  dashboard page weight: /$page $html B of HTML, $raw B with its CSS and JS ($gzip B gzipped), $requests requests, $external external; target < 150 KB transferred: $( [ "$gzip" -lt 153600 ] && echo met || echo MISSED)"
  done
  echo "  dashboard page weight: /machines $list_html B of HTML, $list_raw B with its CSS and JS ($list_gzip B gzipped), $list_requests requests, $list_external external"
  echo "  dashboard page weight: a machine page (30 days) $machine_html B of HTML, $machine_raw B with its CSS and JS ($machine_gzip B gzipped, as Caddy sends it), $machine_requests requests, $machine_external external; target < 150 KB transferred: $( [ "$machine_gzip" -lt 153600 ] && echo met || echo MISSED)"
} | tee -a "$out/fleet.txt"
