#!/usr/bin/env bash
# The fuzz suite: schemathesis against every service, per docs/openapi.yaml (scripts/fuzz/run.py
# says what it starts, bootstraps and checks; scripts/fuzz/exclusions.py what it leaves out).
# Exits non-zero on any finding and ends with a `fuzz: N findings … took N s` line.
#
# scripts/test.sh calls it after the Swift tests with its OPTRALIS_BIN_DIR, PostgreSQL
# (OPTRALIS_TEST_DATABASE_URL, holding the migrated template `optralis_template`) and Redis
# (OPTRALIS_TEST_REDIS_URL). Run alone, it starts its own PostgreSQL (.local/fuzz-pg, port
# OPTRALIS_FUZZ_PG_PORT, default 25440) and Redis (.local/fuzz-redis, OPTRALIS_FUZZ_REDIS_PORT,
# default 26390), migrates the template when it is missing, and takes the binaries from
# OPTRALIS_BIN_DIR or .build/debug (it does not build).
#
# Tuning: FUZZ_SEED, FUZZ_MAX_EXAMPLES, FUZZ_WORKERS, FUZZ_PASSES (e.g. `ai,ca`), FUZZ_OUT.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
local_dir="$root/.local"
mkdir -p "$local_dir"
start=$(date +%s)

# scripts/deps.sh installs schemathesis into .local/venv where the system python refuses pip.
if [ -x "$local_dir/venv/bin/schemathesis" ]; then PATH="$local_dir/venv/bin:$PATH"; fi
for tool in schemathesis promtool psql; do
  command -v "$tool" >/dev/null 2>&1 || { echo "fuzz.sh: $tool is missing (scripts/deps.sh installs it)" >&2; exit 1; }
done
python3 -c 'import yaml' 2>/dev/null || { echo "fuzz.sh: python3 cannot import yaml (PyYAML)" >&2; exit 1; }

export OPTRALIS_BIN_DIR=${OPTRALIS_BIN_DIR:-$root/.build/debug}
for service in api ai notifier scheduler ca agent; do
  [ -x "$OPTRALIS_BIN_DIR/optralis-$service" ] || { echo "fuzz.sh: $OPTRALIS_BIN_DIR/optralis-$service is missing (build first)" >&2; exit 1; }
done

if [ -z "${OPTRALIS_TEST_DATABASE_URL:-}" ]; then
  OPTRALIS_TEST_DATABASE_URL=$(scripts/pg.sh start "$local_dir/fuzz-pg" "${OPTRALIS_FUZZ_PG_PORT:-25440}")
fi
if [ -z "${OPTRALIS_TEST_REDIS_URL:-}" ]; then
  OPTRALIS_TEST_REDIS_URL=$(scripts/redis.sh start "$local_dir/fuzz-redis" "${OPTRALIS_FUZZ_REDIS_PORT:-26390}")
fi
admin_url=$OPTRALIS_TEST_DATABASE_URL
template_url="${admin_url%/*}/optralis_template"
if [ -z "$(psql -X -q -At "$admin_url" -c "SELECT 1 FROM pg_database WHERE datname = 'optralis_template'")" ]; then
  echo "==> fuzz: migrating the template database"
  psql -X -q -v ON_ERROR_STOP=1 "$admin_url" -c "CREATE DATABASE optralis_template"
  DATABASE_URL=$template_url LOG_LEVEL=warning "$OPTRALIS_BIN_DIR/optralis-api" migrate
fi

# A database of its own (named like the tests' so that test.sh drops it if a run is interrupted).
database="t_fuzz_$$"
psql -X -q -v ON_ERROR_STOP=1 "$admin_url" -c "CREATE DATABASE \"$database\" TEMPLATE optralis_template"
cleanup() { psql -X -q "$admin_url" -c "DROP DATABASE IF EXISTS \"$database\" WITH (FORCE)" >/dev/null 2>&1 || true; }
trap cleanup EXIT
export FUZZ_DATABASE_URL="${admin_url%/*}/$database"
# Redis database 9, emptied first: the services' queues and caches of this run only.
redis_base=$(printf '%s' "$OPTRALIS_TEST_REDIS_URL" | sed -E 's#/[0-9]*$##')
export FUZZ_REDIS_URL="$redis_base/9"
redis-cli --no-auth-warning -u "$FUZZ_REDIS_URL" flushdb >/dev/null

status=0
python3 scripts/fuzz/run.py || status=$?
echo "fuzz suite took $(( $(date +%s) - start )) s"
exit $status
