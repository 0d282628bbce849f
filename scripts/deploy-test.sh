#!/usr/bin/env bash
# The deployment tests (docs/deploy.md): each one exits non-zero on any failure.
#
#   scripts/deploy-test.sh boot     deploy/docker-compose.yml booted from the binaries with compose's
#                                   environment, behind Caddy, notifier x3 (scripts/deploy/compose_boot.py)
#   scripts/deploy-test.sh backup   make backup / make restore round trip (scripts/deploy/backup_roundtrip.py)
#
# scripts/test.sh runs both after its build, with its OPTRALIS_BIN_DIR, PostgreSQL
# (OPTRALIS_TEST_DATABASE_URL) and Redis (OPTRALIS_TEST_REDIS_URL). Run alone, it starts its own
# PostgreSQL (.local/deploy-pg, OPTRALIS_DEPLOY_PG_PORT, default 25450) and Redis
# (.local/deploy-redis, OPTRALIS_DEPLOY_REDIS_PORT, default 26400) and takes the binaries from
# OPTRALIS_BIN_DIR or .build/debug (it does not build). OPTRALIS_DEPLOY_PORT_BASE pins the
# services' test ports to a range (about 70 ports from there); unset, any free port.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
local_dir="$root/.local"
mkdir -p "$local_dir"

case ${1:-} in
  boot) script=scripts/deploy/compose_boot.py ;;
  backup) script=scripts/deploy/backup_roundtrip.py ;;
  *) echo "usage: scripts/deploy-test.sh boot|backup" >&2; exit 2 ;;
esac

export OPTRALIS_BIN_DIR=${OPTRALIS_BIN_DIR:-$root/.build/debug}
for service in api web ai notifier scheduler ca; do
  [ -x "$OPTRALIS_BIN_DIR/optralis-$service" ] || { echo "deploy-test.sh: $OPTRALIS_BIN_DIR/optralis-$service is missing (build first)" >&2; exit 1; }
done
python3 -c 'import yaml, aiosmtpd' 2>/dev/null || { echo "deploy-test.sh: python3 needs yaml and aiosmtpd (scripts/deps.sh)" >&2; exit 1; }

if [ -z "${OPTRALIS_TEST_DATABASE_URL:-}" ]; then
  OPTRALIS_TEST_DATABASE_URL=$(scripts/pg.sh start "$local_dir/deploy-pg" "${OPTRALIS_DEPLOY_PG_PORT:-25450}")
fi
if [ -z "${OPTRALIS_TEST_REDIS_URL:-}" ]; then
  OPTRALIS_TEST_REDIS_URL=$(scripts/redis.sh start "$local_dir/deploy-redis" "${OPTRALIS_DEPLOY_REDIS_PORT:-26400}")
fi
export OPTRALIS_TEST_DATABASE_URL OPTRALIS_TEST_REDIS_URL
exec python3 "$script"
