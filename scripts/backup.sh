#!/usr/bin/env bash
# `make backup` / `make restore`: the database (pg_dump custom format) and the CA directory (its
# key and certificate), with a manifest of checksums. docs/deploy.md, "Backup and restore", gives
# the compose equivalent.
#
# Usage: scripts/backup.sh backup DIR
#        scripts/backup.sh restore DIR [--force]
#
#   backup   writes DIR/optralis-<UTC timestamp>.dump (pg_dump -Fc), DIR/ca.tar.gz (CA_DIR),
#            DIR/manifest.txt (what, when, from which database and schema version) and
#            DIR/SHA256SUMS (the three files' checksums, `sha256sum -c` format). DIR must be new
#            or empty.
#   restore  verifies every checksum first (sha256sum -c), then restores the dump into DATABASE_URL's database
#            (which must exist) and the CA into CA_DIR. It refuses a database that holds tables or
#            a CA_DIR that holds a key unless --force: then the database's public schema is
#            dropped and re-created, and the old CA_DIR is moved aside (CA_DIR.before-restore-<ts>),
#            never deleted. Ownership and grants are not restored (--no-owner --no-acl): run
#            `optralis-api migrate` with DATABASE_APP_USER afterwards (compose's migrate service does
#            it on `up`) to give the services' role its rights back.
#
# DATABASE_URL: default `make run`'s (.local/pg on 127.0.0.1:25432, password in .local/pg.password).
# CA_DIR: default .local/ca. pg_dump/pg_restore must be at least the server's major version.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
prog=backup.sh
die() { echo "$prog: $*" >&2; exit 1; }
usage() { echo "usage: $prog backup DIR | $prog restore DIR [--force]" >&2; exit 2; }

[ $# -ge 2 ] || usage
command=$1 dir=$2
force=0
case ${3:-} in "") ;; --force) force=1 ;; *) usage ;; esac
[ "$command" = restore ] || [ $force -eq 0 ] || usage

if [ -z "${DATABASE_URL:-}" ]; then
  [ -r "$root/.local/pg.password" ] || die "DATABASE_URL is unset and make run's database (.local/pg) has no password file"
  DATABASE_URL="postgres://optralis:$(tr -d '[:space:]' <"$root/.local/pg.password")@127.0.0.1:25432/optralis"
fi
CA_DIR=${CA_DIR:-$root/.local/ca}
for tool in pg_dump pg_restore psql tar sha256sum openssl; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is missing"
done
# The caller's libpq settings must not redirect the commands below.
unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGPASSWORD PGSERVICE PGOPTIONS

sql() { psql -X -q -At -v ON_ERROR_STOP=1 "$DATABASE_URL" -c "$1"; }
# The manifest's value of a key.
field() { sed -n "s/^$1=//p" "$dir/manifest.txt" | head -1; }

# The CA's key and certificate belong together (the ca service refuses them otherwise).
check_ca() {
  local ca=$1
  [ -f "$ca/ca.key" ] && [ -f "$ca/ca.crt" ] || die "$ca has no ca.key and ca.crt"
  [ "$(openssl pkey -in "$ca/ca.key" -pubout 2>/dev/null | sha256sum)" = "$(openssl x509 -in "$ca/ca.crt" -noout -pubkey | sha256sum)" ] \
    || die "$ca/ca.crt does not belong to $ca/ca.key"
}

backup() {
  if [ -e "$dir" ] && [ -n "$(ls -A -- "$dir")" ]; then die "$dir is not empty: give a new directory per backup"; fi
  check_ca "$CA_DIR"
  mkdir -p -- "$dir"
  chmod 700 "$dir"
  local stamp dump schema server database
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  dump="optralis-$stamp.dump"
  server=$(sql "SHOW server_version")
  database=$(sql "SELECT current_database()")
  schema=$(sql "SELECT coalesce(max(version)::text, '') FROM schema_migrations" 2>/dev/null || true)
  # One consistent snapshot of the database; the CA changes only when it is created.
  pg_dump --format=custom --file="$dir/$dump" "$DATABASE_URL"
  tar -C "$CA_DIR" -czf "$dir/ca.tar.gz" .
  {
    echo "format=optralis-backup-1"
    echo "created_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "database=$database"
    echo "server_version=$server"
    echo "schema_version=$schema"
    echo "dump=$dump"
    echo "ca=ca.tar.gz"
  } >"$dir/manifest.txt"
  (cd "$dir" && sha256sum "$dump" ca.tar.gz manifest.txt >SHA256SUMS)
  echo "backup of $database (schema $schema) and $CA_DIR written to $dir:"
  ls -l "$dir" | tail -n +2
}

restore() {
  [ -f "$dir/SHA256SUMS" ] && [ -f "$dir/manifest.txt" ] || die "$dir has no SHA256SUMS and manifest.txt: not a backup made by $prog"
  local dump ca name
  # Every file checked, and checked before anything is touched.
  if ! (cd "$dir" && sha256sum --check --strict --quiet SHA256SUMS) >&2; then
    die "a file of $dir does not match its checksum in SHA256SUMS: nothing was restored"
  fi
  [ "$(field format)" = optralis-backup-1 ] || die "$dir/manifest.txt: unknown format '$(field format)'"
  dump=$(field dump) ca=$(field ca)
  for name in "$dump" "$ca" manifest.txt; do
    case $name in */*|""|.*) die "manifest names an unsafe file: '$name'" ;; esac
    grep -qE "^[0-9a-f]{64}  $name\$" "$dir/SHA256SUMS" || die "$name has no checksum in SHA256SUMS"
  done
  # The archive holds the CA's files only: no absolute path, no way out of CA_DIR.
  if tar -tzf "$dir/$ca" | grep -qE '^/|(^|/)\.\.(/|$)'; then die "$dir/$ca holds a path outside its directory"; fi

  sql "SELECT 1" >/dev/null || die "cannot connect to DATABASE_URL's database (it must exist: createdb, or compose's postgres creates it)"
  local tables
  tables=$(sql "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
  if [ "$tables" != 0 ] && [ $force -eq 0 ]; then
    die "the target database holds $tables tables: restore into an empty database, or add --force to replace them"
  fi
  if [ -f "$CA_DIR/ca.key" ] && [ $force -eq 0 ]; then
    die "$CA_DIR already holds a CA key: restore into an empty CA_DIR, or add --force (the old one is moved aside)"
  fi

  if [ "$tables" != 0 ]; then
    echo "--force: dropping the public schema of $(sql "SELECT current_database()") ($tables tables)"
    sql "SET client_min_messages = warning; DROP SCHEMA public CASCADE; CREATE SCHEMA public"
  fi
  # TimescaleDB (compose's image): its catalogue is restored between pre_restore and post_restore.
  local timescale=0
  if pg_restore --list "$dir/$dump" | grep -q ' EXTENSION - timescaledb'; then
    timescale=1
    sql "CREATE EXTENSION IF NOT EXISTS timescaledb" >/dev/null
    sql "SELECT timescaledb_pre_restore()" >/dev/null
  fi
  # One transaction: a restore that fails leaves the database as it was.
  if ! pg_restore --no-owner --no-acl --single-transaction --exit-on-error --dbname="$DATABASE_URL" "$dir/$dump"; then
    [ $timescale -eq 0 ] || sql "SELECT timescaledb_post_restore()" >/dev/null || true
    die "pg_restore failed (see above)"
  fi
  [ $timescale -eq 0 ] || sql "SELECT timescaledb_post_restore()" >/dev/null

  if [ -e "$CA_DIR" ] && [ -n "$(ls -A -- "$CA_DIR")" ]; then
    local aside
    aside="$CA_DIR.before-restore-$(date -u +%Y%m%dT%H%M%SZ)"
    mv -- "$CA_DIR" "$aside"
    echo "--force: the previous CA directory is now $aside"
  fi
  mkdir -p -- "$CA_DIR"
  chmod 700 "$CA_DIR"
  tar -C "$CA_DIR" --no-same-owner -xzpf "$dir/$ca"
  chmod 600 "$CA_DIR/ca.key"
  check_ca "$CA_DIR"

  echo "restored $dir (made $(field created_at) from $(field database), schema $(field schema_version)):"
  echo "  database: $(sql "SELECT count(*) FROM machines") machines, $(sql "SELECT count(*) FROM client_certificates") certificates, schema $(sql "SELECT max(version) FROM schema_migrations")"
  echo "  CA: $CA_DIR ($(openssl x509 -in "$CA_DIR/ca.crt" -noout -subject -enddate | tr '\n' ' '))"
  echo "Next: optralis-api migrate (with DATABASE_APP_USER in production) gives the services' role its grants back; then start the services."
}

case $command in
  backup) backup ;;
  restore) restore ;;
  *) usage ;;
esac
