#!/usr/bin/env bash
# `make test`: installs what is missing, starts a PostgreSQL and a Redis for the tests
# (.local/test-pg on 25433, .local/test-redis on 26380: never the `make run` ones; below the
# ephemeral port range, so no connection of a concurrent process can hold them), builds
# once, migrates a template database every test suite copies, checks the compose file,
# then runs every test from that build, then the fuzz suite (scripts/fuzz.sh) and the deployment
# tests (scripts/deploy-test.sh: the compose file booted, the backup round trip) against the same
# binaries, PostgreSQL and Redis. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
local_dir="$root/.local"
mkdir -p "$local_dir"

scripts/deps.sh

pg_port=${OPTRALIS_TEST_PG_PORT:-25433}
redis_port=${OPTRALIS_TEST_REDIS_PORT:-26380}
OPTRALIS_TEST_DATABASE_URL=$(scripts/pg.sh start "$local_dir/test-pg" "$pg_port")
OPTRALIS_TEST_REDIS_URL=$(scripts/redis.sh start "$local_dir/test-redis" "$redis_port")
export OPTRALIS_TEST_DATABASE_URL OPTRALIS_TEST_REDIS_URL
# MariaDB for the agent's databases collector, when a server is installed (deps.sh installs it
# when CI=true); without it, that test is skipped.
mariadb_port=${OPTRALIS_TEST_MARIADB_PORT:-27306}
if OPTRALIS_TEST_MARIADB_URL=$(scripts/mariadb.sh start "$local_dir/test-mariadb" "$mariadb_port"); then
  export OPTRALIS_TEST_MARIADB_URL
else
  echo "==> no MariaDB server: the MariaDB collector test is skipped"
fi
if [ "${CI:-}" = "true" ]; then
  trap 'scripts/pg.sh stop "$local_dir/test-pg" "$pg_port" || true; scripts/redis.sh stop "$local_dir/test-redis" "$redis_port" || true; scripts/mariadb.sh stop "$local_dir/test-mariadb" "$mariadb_port" || true' EXIT
fi

echo "==> make lint: every Swift file formatted as .swift-format asks (scripts/format.sh)"
scripts/format.sh lint
echo "==> deploy/: compose least privilege, Redis settings, Caddy routes (scripts/check-deploy.py)"
python3 scripts/check-deploy.py
echo "==> deploy/: checkov, the Kubernetes manifests (scripts/check-kubernetes.py)"
python3 scripts/check-kubernetes.py
echo "==> make run's local mailbox (scripts/tests/mailcatcher_test.py)"
python3 scripts/tests/mailcatcher_test.py

echo "==> swift build --build-tests"
start=$(date +%s)
# hiredis's pkg-config file triggers a harmless "prohibited flag" warning on every target.
swift build --build-tests 2>&1 | { grep -v "prohibited flag" || true; }
echo "build took $(( $(date +%s) - start )) s"
OPTRALIS_BIN_DIR=$(swift build --show-bin-path)
export OPTRALIS_BIN_DIR

echo "==> template database"
admin_url=$OPTRALIS_TEST_DATABASE_URL
template_url="${admin_url%/*}/optralis_template"
# Databases left by an interrupted earlier run, then a fresh template.
psql -X -q -v ON_ERROR_STOP=1 "$admin_url" -At -c "SELECT datname FROM pg_database WHERE datname LIKE 't\_%'" |
  while read -r stale; do psql -X -q "$admin_url" -c "DROP DATABASE IF EXISTS \"$stale\" WITH (FORCE)"; done
psql -X -q -v ON_ERROR_STOP=1 "$admin_url" -c "DROP DATABASE IF EXISTS optralis_template WITH (FORCE)" -c "CREATE DATABASE optralis_template"
DATABASE_URL=$template_url LOG_LEVEL=warning "$OPTRALIS_BIN_DIR/optralis-api" migrate

echo "==> swift test"
start=$(date +%s)
output="$local_dir/test-output.log"
status=0
# At most 6 tests at once: the suites start real servers, agents and tools, and a 2-core CI
# machine running them all together stretches timings past what any test should tolerate.
SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH=${OPTRALIS_TEST_PARALLELISM:-6} swift test --skip-build "$@" 2>&1 | tee "$output" || status=$?
echo "tests took $(( $(date +%s) - start )) s"
# Swift Testing's count of tests, and how many of them failed.
total=$(sed -n 's/.*Test run with \([0-9]*\) tests\{0,1\} .*/\1/p' "$output" | tail -1)
# A parameterised test ends "… with N test cases failed after …".
failed=$(grep -cE '✘ Test [^ ]+\([^)]*\)( with [0-9]+ test cases?)? failed after' "$output" || true)
passed=$(( ${total:-0} - failed ))
echo "swift test: $passed passed, $failed failed"

# The fuzz suite (scripts/fuzz.sh), with the same binaries, PostgreSQL and Redis; it counts as
# one more test. Skipped when arguments select some Swift tests, or with OPTRALIS_SKIP_FUZZ=1.
fuzz_status=0
if [ $# -eq 0 ] && [ "${OPTRALIS_SKIP_FUZZ:-}" != 1 ]; then
  echo "==> fuzz suite (scripts/fuzz.sh)"
  scripts/fuzz.sh 2>&1 | tee "$local_dir/fuzz-output.log" || fuzz_status=$?
  if [ $fuzz_status -eq 0 ]; then passed=$(( passed + 1 )); else failed=$(( failed + 1 )); echo "fuzz suite FAILED (exit $fuzz_status)"; fi
else
  echo "fuzz suite skipped (test arguments given, or OPTRALIS_SKIP_FUZZ=1)"
fi
# The deployment tests (docs/deploy.md): deploy/docker-compose.yml booted from these binaries with
# the environment compose gives each service, then the backup round trip; each counts as one more
# test. Skipped when arguments select some Swift tests, or with OPTRALIS_SKIP_DEPLOY=1.
deploy_status=0
if [ $# -eq 0 ] && [ "${OPTRALIS_SKIP_DEPLOY:-}" != 1 ]; then
  for deploy_test in boot backup; do
    echo "==> deployment test: $deploy_test (scripts/deploy-test.sh $deploy_test)"
    test_status=0
    scripts/deploy-test.sh "$deploy_test" || test_status=$?
    if [ $test_status -eq 0 ]; then
      passed=$(( passed + 1 ))
    else
      failed=$(( failed + 1 )); deploy_status=1; echo "deployment test $deploy_test FAILED (exit $test_status)"
    fi
  done
else
  echo "deployment tests skipped (test arguments given, or OPTRALIS_SKIP_DEPLOY=1)"
fi
# What failed, again at the end: CI keeps only the tail of this output.
if [ "$failed" -gt 0 ]; then
  echo "==> failed:"
  grep -E '✘ Test [^ ]+\([^)]*\)( with [0-9]+ test cases?)? failed after' "$output" | sed 's/^/  /' || true
  grep -E '✘ Test [^ ]+\(.*recorded an issue at' "$output" | head -20 | cut -c1-400 | sed 's/^/  /' || true
  if [ $fuzz_status -ne 0 ]; then
    # Its findings section, or the last lines when it stopped before writing one.
    { grep -q '^==> fuzz: findings' "$local_dir/fuzz-output.log" && sed -n '/^==> fuzz: findings/,$p' "$local_dir/fuzz-output.log" ||
      tail -n 12 "$local_dir/fuzz-output.log"; } | head -40 | cut -c1-400 | sed 's/^/  /'
  fi
fi
# One plain summary line.
echo "$passed passed, $failed failed"
[ $status -ne 0 ] && exit $status
[ $fuzz_status -ne 0 ] && exit $fuzz_status
exit $deploy_status
