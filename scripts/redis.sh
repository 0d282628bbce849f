#!/usr/bin/env bash
# A project-owned redis-server for development and tests.
#
# Usage: scripts/redis.sh start|stop|status DIR PORT
#   start   start redis on 127.0.0.1:PORT with its data (AOF), pid file and log in DIR, and print
#           one line: the REDIS_URL. Already running: prints the URL.
#   stop    shutdown (nosave; the AOF holds the data); succeeds when it is not running.
#   status  exit 0 when running, 3 when not.
#
# Settings as in production: a password (generated once into DIR/password, part of the printed
# URL), maxmemory 128mb with noeviction, appendonly yes, no RDB snapshots.
set -euo pipefail

prog=redis.sh
die() { echo "$prog: $*" >&2; exit 1; }
usage() { echo "usage: $prog start|stop|status DIR PORT" >&2; exit 2; }

[ $# -eq 3 ] || usage
cmd=$1 dir_arg=$2 port=$3
case $cmd in start|stop|status) ;; *) usage ;; esac
if ! [[ $port =~ ^[1-9][0-9]{0,4}$ ]] || [ "$port" -gt 65535 ]; then die "invalid port: $port"; fi
[ -n "$dir_arg" ] || die "DIR is empty"

dir=$(realpath -m -- "$dir_arg")
pidfile="$dir/redis.pid"
logfile="$dir/redis.log"
passfile="$dir/password"
unset REDISCLI_AUTH

for b in redis-server redis-cli; do
  command -v "$b" >/dev/null 2>&1 || die "$b not found: install redis-server (scripts/deps.sh)"
done

# Bounded, so that a hung server cannot hang the script.
cli() {
  if [ -s "$passfile" ]; then
    REDISCLI_AUTH=$(cat "$passfile") timeout 5 redis-cli --no-auth-warning -h 127.0.0.1 -p "$port" "$@" 2>/dev/null
  else
    timeout 5 redis-cli -h 127.0.0.1 -p "$port" "$@" 2>/dev/null
  fi
}

# PID from the pid file when that process is a live redis-server, else nothing.
our_pid() {
  local pid
  [ -f "$pidfile" ] || return 1
  pid=$(tr -dc '0-9' <"$pidfile")
  [ -n "$pid" ] || return 1
  [ -r "/proc/$pid/comm" ] || return 1
  [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == redis-server* ]] || return 1
  echo "$pid"
}

# 0 when a redis on PORT answers and uses DIR; 1 when nothing answers; dies when another one does.
is_running() {
  local reply d
  reply=$(cli ping || true)
  case $reply in
    PONG) ;;
    *LOADING*) return 0 ;;
    *) return 1 ;;
  esac
  d=$(cli config get dir | sed -n 2p || true)
  if [ -n "$d" ] && [ "$d" != "$dir" ]; then
    die "port $port is used by another redis-server (its dir is $d, not $dir)"
  fi
  return 0
}

wait_pong() {
  local i
  for ((i = 0; i < 60; i++)); do
    [ "$(cli ping || true)" = PONG ] && return 0
    sleep 0.5
  done
  return 1
}

# Without a password file: a server started by an older version of this script, still running.
url() {
  if [ -s "$passfile" ]; then
    printf 'redis://default:%s@127.0.0.1:%s/0\n' "$(cat "$passfile")" "$port"
  else
    printf 'redis://127.0.0.1:%s/0\n' "$port"
  fi
}

do_start() {
  if is_running; then
    wait_pong || die "redis on port $port is running but does not answer PONG after 30 s (see $logfile)"
    url
    return 0
  fi
  local other
  if other=$(our_pid); then
    die "DIR $dir is already used by redis-server pid $other ($(tr '\0' ' ' <"/proc/$other/cmdline" | sed 's/ *$//')), not on port $port"
  fi
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    die "port $port on 127.0.0.1 is already in use by another process"
  fi
  if [ -e "$dir" ] && [ ! -d "$dir" ]; then die "$dir exists and is not a directory"; fi
  mkdir -p -- "$dir"
  if [ ! -s "$passfile" ]; then
    (umask 077; od -An -N24 -tx1 /dev/urandom | tr -d ' \n' >"$passfile")
  fi

  # The password goes through stdin (a config file read from "-"), not argv, so that it does not
  # show in ps.
  if ! printf 'requirepass %s\n' "$(cat "$passfile")" | redis-server - \
      --bind 127.0.0.1 --port "$port" --protected-mode yes \
      --dir "$dir" --daemonize yes --pidfile "$pidfile" --logfile "$logfile" \
      --appendonly yes --save '' \
      --maxmemory 128mb --maxmemory-policy noeviction >/dev/null 2>&1; then
    echo "$prog: redis-server failed to start; last lines of $logfile:" >&2
    tail -n 20 "$logfile" >&2 2>/dev/null || true
    exit 1
  fi
  if ! wait_pong; then
    echo "$prog: redis on 127.0.0.1:$port does not answer PONG after 30 s; last lines of $logfile:" >&2
    tail -n 20 "$logfile" >&2 2>/dev/null || true
    exit 1
  fi
  url
}

wait_gone() {
  local pid=$1 i
  for ((i = 0; i < 40; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.25
  done
  return 1
}

do_stop() {
  local pid=""
  pid=$(our_pid || true)
  if is_running; then
    cli shutdown nosave >/dev/null || true
  fi
  [ -n "$pid" ] || { wait_pong_gone; return 0; }
  wait_gone "$pid" && { rm -f "$pidfile"; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  wait_gone "$pid" && { rm -f "$pidfile"; return 0; }
  kill -KILL "$pid" 2>/dev/null || true
  wait_gone "$pid" || die "redis-server (pid $pid) does not stop"
  rm -f "$pidfile"
}

# Without a pid file: wait (bounded) until nothing answers on the port any more.
wait_pong_gone() {
  local i
  for ((i = 0; i < 40; i++)); do
    [ "$(cli ping || true)" = PONG ] || return 0
    sleep 0.25
  done
  die "redis on port $port is still answering after shutdown"
}

do_status() {
  is_running || exit 3
}

case $cmd in
  start) do_start ;;
  stop) do_stop ;;
  status) do_status ;;
esac
