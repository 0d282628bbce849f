#!/usr/bin/env bash
# A project-owned MariaDB server for the tests of the agent's databases collector.
#
# Usage: scripts/mariadb.sh start|stop|status DIR PORT
#   start   create the data directory in DIR if needed, start mariadbd on 127.0.0.1:PORT with
#           performance_schema on, and print one line: mysql://root:<password>@127.0.0.1:PORT/
#           (the root password is generated once, kept mode 0600 in DIR's sibling
#           <basename DIR>.password). Already running: prints the URL.
#   stop    shutdown; succeeds when it is not running.
#   status  exit 0 when running, 3 when not.
# Exits 4 (nothing started) when no MariaDB server is installed (scripts/deps.sh installs
# mariadb-server when CI=true).
# As root, the server runs as the "mysql" system user (mariadbd refuses root otherwise).
set -euo pipefail

prog=mariadb.sh
die() { echo "$prog: $*" >&2; exit 1; }
[ $# -eq 3 ] || { echo "usage: $prog start|stop|status DIR PORT" >&2; exit 2; }
cmd=$1 dir_arg=$2 port=$3
case $cmd in start|stop|status) ;; *) echo "usage: $prog start|stop|status DIR PORT" >&2; exit 2 ;; esac
if ! [[ $port =~ ^[1-9][0-9]{0,4}$ ]] || [ "$port" -gt 65535 ]; then die "invalid port: $port"; fi
[ -n "$dir_arg" ] || die "DIR is empty"
dir=$(realpath -m -- "$dir_arg")
[ "$dir" != / ] || die "DIR cannot be /"
pwfile="$(dirname -- "$dir")/$(basename -- "$dir").password"
socket="$dir/mysqld.sock"
pidfile="$dir/mariadbd.pid"
unset MYSQL_PWD MYSQL_HOST MYSQL_TCP_PORT

server=$(command -v mariadbd || command -v mysqld || true)
[ -n "$server" ] || for candidate in /usr/sbin/mariadbd /usr/sbin/mysqld; do [ -x "$candidate" ] && server=$candidate && break; done
install_db=$(command -v mariadb-install-db || command -v mysql_install_db || true)
client=$(command -v mariadb || command -v mysql || true)

is_running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

user_args=()
if [ "$(id -u)" -eq 0 ]; then
  getent passwd mysql >/dev/null || die "running as root needs the 'mysql' system user (mariadb-server creates it)"
  user_args=(--user=mysql)
fi

url() { printf 'mysql://root:%s@127.0.0.1:%s/\n' "$(tr -d '[:space:]' <"$pwfile")" "$port"; }

case $cmd in
  status) is_running && exit 0 || exit 3 ;;
  stop)
    if is_running; then
      pid=$(cat "$pidfile")
      kill "$pid"
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    exit 0 ;;
esac

[ -n "$server" ] && [ -n "$install_db" ] && [ -n "$client" ] || { echo "$prog: no MariaDB server installed (mariadb-server)" >&2; exit 4; }
if is_running; then url; exit 0; fi
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then die "port $port on 127.0.0.1 is already in use by another process"; fi

if [ ! -s "$pwfile" ]; then
  mkdir -p -- "$(dirname -- "$pwfile")"
  (umask 077 && od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$pwfile")
fi
fresh=0
if [ ! -d "$dir/mysql" ]; then
  mkdir -p -- "$dir"
  [ ${#user_args[@]} -eq 0 ] || chown mysql: "$dir"
  log=$(mktemp)
  if ! "$install_db" --no-defaults "${user_args[@]}" --datadir="$dir" --auth-root-authentication-method=normal \
        --skip-test-db >"$log" 2>&1; then
    cat "$log" >&2; rm -f "$log"; die "mariadb-install-db failed for $dir"
  fi
  rm -f "$log"
  fresh=1
fi
[ ${#user_args[@]} -eq 0 ] || chown -R mysql: "$dir"

"$server" --no-defaults "${user_args[@]}" --datadir="$dir" --socket="$socket" --pid-file="$pidfile" --port="$port" \
  --bind-address=127.0.0.1 --skip-name-resolve --performance-schema=ON --log-error="$dir/error.log" \
  --innodb-buffer-pool-size=32M --max-connections=50 >/dev/null 2>&1 &
for _ in $(seq 1 300); do
  if [ -S "$socket" ] && "$client" --no-defaults --socket="$socket" -uroot -e 'SELECT 1' >/dev/null 2>&1; then break; fi
  if [ -S "$socket" ] && MYSQL_PWD=$(tr -d '[:space:]' <"$pwfile") "$client" --no-defaults --socket="$socket" -uroot -e 'SELECT 1' >/dev/null 2>&1; then break; fi
  sleep 0.1
done
is_running || { tail -n 20 "$dir/error.log" >&2 2>/dev/null || true; die "mariadbd did not start in $dir"; }

if [ $fresh -eq 1 ]; then
  # A fresh root has no password on the socket: give it the generated one, for TCP too.
  pw=$(tr -d '[:space:]' <"$pwfile")
  "$client" --no-defaults --socket="$socket" -uroot -e \
    "ALTER USER 'root'@'localhost' IDENTIFIED BY '$pw'; CREATE USER IF NOT EXISTS 'root'@'127.0.0.1'; ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY '$pw';
     GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION; FLUSH PRIVILEGES" \
    || die "could not set the root password"
fi
url
