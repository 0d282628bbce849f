#!/usr/bin/env bash
# A project-owned PostgreSQL cluster for development and tests.
#
# Usage: scripts/pg.sh start|stop|status DIR PORT
#   start   create the cluster in DIR if needed (role and database "optralis"), start it on
#           127.0.0.1:PORT and print one line: the DATABASE_URL. Already running: prints the URL.
#   stop    fast shutdown; succeeds when it is not running.
#   status  exit 0 when running, 3 when not.
#
# The server listens on 127.0.0.1 only; its unix socket is in DIR; its log is DIR/log/postgresql.log.
# TCP logins use scram-sha-256 with the superuser role "optralis", whose password is generated
# once and kept (mode 0600) in DIR's sibling file <basename DIR>.password.
# As root, the cluster belongs to the "postgres" system user (initdb refuses root).
set -euo pipefail

prog=pg.sh
die() { echo "$prog: $*" >&2; exit 1; }
usage() { echo "usage: $prog start|stop|status DIR PORT" >&2; exit 2; }

[ $# -eq 3 ] || usage
cmd=$1 dir_arg=$2 port=$3
case $cmd in start|stop|status) ;; *) usage ;; esac
if ! [[ $port =~ ^[1-9][0-9]{0,4}$ ]] || [ "$port" -gt 65535 ]; then die "invalid port: $port"; fi
[ -n "$dir_arg" ] || die "DIR is empty"

# Absolute, normalised DIR: the cluster's commands run from / and as another user.
dir=$(realpath -m -- "$dir_arg")
[ "$dir" != / ] || die "DIR cannot be /"
# As root, a new cluster belongs to "postgres", which must be able to reach DIR. When a parent
# directory is closed to it (a checkout under /root, say), the cluster lives under /var/tmp
# instead and DIR becomes a symbolic link to it, which later calls follow.
if [ "$(id -u)" -eq 0 ] && [ ! -e "$dir" ] && getent passwd postgres >/dev/null \
   && ! runuser -u postgres -- test -x "$(dirname -- "$dir")" 2>/dev/null; then
  relocated="/var/tmp/optralis-pg-$(printf '%s' "$dir" | sha1sum | cut -c1-12)/$(basename -- "$dir")"
  mkdir -p -- "$(dirname -- "$dir")" "$(dirname -- "$relocated")"
  chmod 755 "$(dirname -- "$relocated")"
  ln -sfn -- "$relocated" "$dir"
  dir=$relocated
fi
parent=$(dirname -- "$dir")
pwfile="$parent/$(basename -- "$dir").password"
logdir="$dir/log"
logfile="$logdir/postgresql.log"
role=optralis
database=optralis

# Settings from the caller's environment must not redirect our own client calls.
unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGPASSWORD PGPASSFILE PGSERVICE PGOPTIONS PGDATA PGSSLMODE
cd /

is_root=0
[ "$(id -u)" -eq 0 ] && is_root=1

# The OS user that owns (or will own) the cluster.
if [ -f "$dir/PG_VERSION" ]; then
  owner=$(stat -c %U -- "$dir")
  if [ $is_root -eq 0 ] && [ "$owner" != "$(id -un)" ]; then
    die "$dir belongs to $owner: run $prog as $owner or as root"
  fi
  [ "$owner" != root ] || die "$dir belongs to root; PostgreSQL cannot run as root (chown -R postgres: $dir)"
elif [ $is_root -eq 1 ]; then
  owner=postgres
  getent passwd postgres >/dev/null || die "no 'postgres' system user: install the postgresql package (scripts/deps.sh)"
else
  owner=$(id -un)
fi

# Runs a command as the cluster's owner.
as_owner() {
  if [ "$owner" = "$(id -un)" ]; then
    "$@"
  elif command -v runuser >/dev/null 2>&1; then
    runuser -u "$owner" -- "$@"
  else
    local q
    q=$(printf '%q ' "$@")
    su "$owner" -s /bin/sh -c "$q"
  fi
}

# PostgreSQL binaries: the cluster's own major version if it exists, else 15, else pg_config's.
find_bindir() {
  local v=""
  [ -f "$dir/PG_VERSION" ] && v=$(cat "$dir/PG_VERSION")
  if [ -n "$v" ] && [ -x "/usr/lib/postgresql/$v/bin/pg_ctl" ]; then
    echo "/usr/lib/postgresql/$v/bin"; return
  fi
  if [ -z "$v" ] && [ -x /usr/lib/postgresql/15/bin/pg_ctl ]; then
    echo /usr/lib/postgresql/15/bin; return
  fi
  if command -v pg_config >/dev/null 2>&1; then
    local b
    b=$(pg_config --bindir)
    if [ -x "$b/pg_ctl" ]; then
      if [ -n "$v" ] && [ -x "$b/postgres" ]; then
        local bv
        bv=$("$b/postgres" --version | sed -E 's/.* ([0-9]+)(\.[0-9]+)*.*/\1/')
        [ "$bv" = "$v" ] || die "cluster in $dir is PostgreSQL $v but $b has PostgreSQL $bv"
      fi
      echo "$b"; return
    fi
  fi
  if [ -n "$v" ]; then
    die "PostgreSQL $v server binaries not found (cluster in $dir): install postgresql-$v"
  fi
  die "PostgreSQL server binaries not found in /usr/lib/postgresql/15/bin nor via pg_config: run scripts/deps.sh"
}

# 0 when the cluster in DIR is running.
is_running() {
  [ -f "$dir/PG_VERSION" ] || return 1
  as_owner "$bindir/pg_ctl" status -D "$dir" >/dev/null 2>&1
}

running_port() {
  sed -n 4p "$dir/postmaster.pid" 2>/dev/null || true
}

url() {
  local pw
  [ -r "$pwfile" ] || die "password file $pwfile is missing or unreadable"
  pw=$(tr -d '[:space:]' <"$pwfile")
  [ -n "$pw" ] || die "password file $pwfile is empty"
  printf 'postgres://%s:%s@127.0.0.1:%s/%s\n' "$role" "$pw" "$port" "$database"
}

# Every directory above DIR must be traversable by the owner.
check_traversable() {
  local p="" comp
  local -a comps
  IFS=/ read -r -a comps <<<"${parent#/}"
  for comp in "${comps[@]}"; do
    [ -n "$comp" ] || continue
    p="$p/$comp"
    [ -e "$p" ] || break
    if ! as_owner test -x "$p"; then
      die "user '$owner' cannot traverse $p (it needs search permission: chmod o+x $p, or choose a DIR elsewhere, e.g. under /tmp)"
    fi
  done
}

# Writes the file only when missing: a random 32-hex-character password, mode 0600.
ensure_password() {
  [ -s "$pwfile" ] && return 0
  mkdir -p -- "$parent"
  local pw tmp
  pw=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  [ ${#pw} -eq 32 ] || die "could not generate a password from /dev/urandom"
  tmp=$(umask 077 && mktemp "$pwfile.XXXXXX")
  printf '%s\n' "$pw" >"$tmp"
  chmod 600 "$tmp"
  mv -f -- "$tmp" "$pwfile"
}

# Before anything is written: DIR must be absent or empty, and reachable by the owner.
check_new_dir() {
  if [ -e "$dir" ] && [ ! -d "$dir" ]; then
    die "$dir exists and is not a directory"
  fi
  if [ -e "$dir" ] && [ -n "$(ls -A -- "$dir" 2>/dev/null)" ]; then
    die "$dir exists, is not empty and holds no PostgreSQL cluster (no PG_VERSION)"
  fi
  check_traversable
}

init_cluster() {
  mkdir -p -- "$dir"
  [ "$owner" = "$(id -un)" ] || chown "$owner": "$dir"
  chmod 700 "$dir"

  local locale=C
  if locale -a 2>/dev/null | grep -qiE '^C\.utf-?8$'; then locale=C.UTF-8; fi

  local log
  log=$(mktemp)
  if ! as_owner "$bindir/initdb" -D "$dir" -U "$owner" -E UTF8 --locale="$locale" \
        --auth-local=peer --auth-host=scram-sha-256 >"$log" 2>&1; then
    cat "$log" >&2; rm -f "$log"
    die "initdb failed for $dir"
  fi
  rm -f "$log"

  # Our settings live in their own file so that start can rewrite them (port, socket dir).
  printf "\n# Optralis: local settings written by scripts/pg.sh\ninclude_if_exists = 'optralis.conf'\n" \
    | as_owner tee -a "$dir/postgresql.conf" >/dev/null

  # TCP: scram only, loopback only. Unix socket (in DIR, mode 0700): the owner, by peer.
  as_owner tee "$dir/pg_hba.conf" >/dev/null <<EOF_HBA
# TYPE  DATABASE  USER  ADDRESS       METHOD
local   all       all                 peer
host    all       all   127.0.0.1/32  scram-sha-256
host    all       all   ::1/128       scram-sha-256
EOF_HBA
}

# Settings that follow the command line: rewritten on every start.
write_settings() {
  local sq_dir=${dir//\'/\'\'}
  as_owner tee "$dir/optralis.conf" >/dev/null <<EOF_CONF
# Written by scripts/pg.sh at each start; edits are overwritten.
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$sq_dir'
unix_socket_permissions = 0700
password_encryption = 'scram-sha-256'
logging_collector = off
EOF_CONF
  # pg_stat_statements when the server has it (postgresql-contrib): the figures the agent's
  # databases collector reads (query times, slow queries) in the tests.
  if [ -f "$("$bindir/pg_config" --pkglibdir 2>/dev/null || echo "$bindir/../lib")/pg_stat_statements.so" ] \
     || [ -f "$bindir/../lib/pg_stat_statements.so" ]; then
    echo "shared_preload_libraries = 'pg_stat_statements'" | as_owner tee -a "$dir/optralis.conf" >/dev/null
  fi
}

# Role "optralis" (superuser, password from the file) and database "optralis".
ensure_role_and_database() {
  local pw log
  pw=$(tr -d '[:space:]' <"$pwfile")
  [[ $pw =~ ^[0-9a-fA-F]+$ ]] || die "password in $pwfile must be hexadecimal"
  log=$(mktemp)
  # The password goes through stdin, not argv, so it never shows in ps.
  if ! as_owner "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U "$owner" -d postgres \
      >"$log" 2>&1 <<EOF_SQL
SET client_min_messages = warning;
SELECT format('CREATE ROLE %I', '$role') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$role')
\gexec
ALTER ROLE $role WITH LOGIN SUPERUSER PASSWORD '$pw';
SELECT format('CREATE DATABASE %I OWNER %I', '$database', '$role')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$database')
\gexec
EOF_SQL
  then
    cat "$log" >&2; rm -f "$log"
    die "could not create role/database $role in $dir"
  fi
  rm -f "$log"
}

wait_ready() {
  local i
  for ((i = 0; i < 60; i++)); do
    if "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -d postgres -t 1 2>/dev/null; then
      return 0
    fi
    sleep 0.5
  done
  return 1
}

do_start() {
  bindir=$(find_bindir)
  if is_running; then
    local rp
    rp=$(running_port)
    [ -z "$rp" ] || [ "$rp" = "$port" ] || die "the cluster in $dir is already running on port $rp, not $port"
    if [ ! -s "$pwfile" ]; then
      # Password file lost while the server runs: make a new one and set it.
      ensure_password
      ensure_role_and_database
    fi
    url
    return 0
  fi

  # Refuse a port somebody else holds, with a clear message, before starting.
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    die "port $port on 127.0.0.1 is already in use by another process"
  fi

  local sock="$dir/.s.PGSQL.$port"
  [ ${#sock} -le 107 ] || die "DIR is too long for a unix socket path ($sock is ${#sock} characters, 107 at most): choose a shorter DIR"

  if [ ! -f "$dir/PG_VERSION" ]; then
    check_new_dir
    ensure_password
    init_cluster
  else
    check_traversable
    ensure_password
  fi
  write_settings
  as_owner mkdir -p "$logdir"

  if ! as_owner "$bindir/pg_ctl" start -D "$dir" -l "$logfile" -w -t 30 -s >/dev/null 2>&1; then
    echo "$prog: PostgreSQL did not start in $dir; last lines of $logfile:" >&2
    tail -n 20 "$logfile" >&2 2>/dev/null || true
    exit 1
  fi
  if ! wait_ready; then
    echo "$prog: PostgreSQL in $dir does not accept connections on 127.0.0.1:$port after 30 s; last lines of $logfile:" >&2
    tail -n 20 "$logfile" >&2 2>/dev/null || true
    exit 1
  fi
  ensure_role_and_database
  url
}

do_stop() {
  [ -f "$dir/PG_VERSION" ] || return 0
  bindir=$(find_bindir)
  is_running || return 0
  local log
  log=$(mktemp)
  if ! as_owner "$bindir/pg_ctl" stop -D "$dir" -m fast -w -t 60 -s >"$log" 2>&1; then
    if is_running; then
      cat "$log" >&2; rm -f "$log"
      die "PostgreSQL in $dir did not stop within 60 s"
    fi
  fi
  rm -f "$log"
}

do_status() {
  [ -f "$dir/PG_VERSION" ] || exit 3
  bindir=$(find_bindir)
  is_running || exit 3
}

case $cmd in
  start) do_start ;;
  stop) do_stop ;;
  status) do_status ;;
esac
