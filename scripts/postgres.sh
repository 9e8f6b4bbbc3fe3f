#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests, one per checkout, on loopback.
#
#   scripts/postgres.sh start   install Debian's postgresql if missing (apt-get, idempotent), make a
#                               cluster under target/postgres on first use, start it if it is not
#                               running, and print its URL (postgres://mos@127.0.0.1:PORT/postgres)
#   scripts/postgres.sh stop    stop it (the data stays for the next start)
#   scripts/postgres.sh url     print the URL
#
# The port is MOS_TEST_POSTGRES_PORT (55432 by default). Run as root, the server runs as the
# `postgres` account the package creates (PostgreSQL refuses to run as root). Everything it prints
# goes to stderr but the URL, so `url=$(scripts/postgres.sh start)` works; it fails with a message
# saying which step could not run.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${MOS_TEST_POSTGRES_PORT:-55432}"
ROOT="$PWD/target/postgres"
DATA="$ROOT/data"
URL="postgres://mos@127.0.0.1:$PORT/postgres"

fail() { echo "scripts/postgres.sh: $*" >&2; exit 1; }

bin_dir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [[ -n "$dir" && -x "$dir/initdb" ]] && echo "$dir"
}

install() {
  bin_dir >/dev/null && return
  echo "Installing PostgreSQL from Debian's packages (once)..." >&2
  local apt=(apt-get)
  [[ $(id -u) -eq 0 ]] || apt=(sudo apt-get)
  command -v apt-get >/dev/null || fail "PostgreSQL is not installed and apt-get is not here: install PostgreSQL's server (initdb, pg_ctl)"
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -q postgresql >&2 \
    || { DEBIAN_FRONTEND=noninteractive "${apt[@]}" update -q >&2 && DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -q postgresql >&2; } \
    || fail "apt-get could not install the postgresql package"
  bin_dir >/dev/null || fail "the postgresql package is installed but initdb is not under /usr/lib/postgresql/*/bin"
}

# Runs a PostgreSQL program as the account the server runs as.
as_server() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

running() {
  local bin
  bin=$(bin_dir) || return 1
  [[ -f "$DATA/PG_VERSION" ]] && as_server "$bin/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

start() {
  install
  local bin
  bin=$(bin_dir)
  if running; then echo "$URL"; return; fi
  mkdir -p "$ROOT"
  if [[ ! -f "$DATA/PG_VERSION" ]]; then
    rm -rf "$DATA"
    [[ $(id -u) -eq 0 ]] && chown postgres "$ROOT"
    as_server "$bin/initdb" -D "$DATA" -A trust -U mos --no-sync -E UTF8 >"$ROOT/initdb.log" 2>&1 \
      || fail "initdb failed; see $ROOT/initdb.log"
  fi
  # The tests' own throwaway databases: durability is not what they test, speed is welcome.
  # 9>&-: the server must not inherit the lock, or it would hold it for as long as it runs.
  as_server "$bin/pg_ctl" -D "$DATA" -l "$ROOT/server.log" -w -t 60 start 9>&- \
    -o "-p $PORT -c listen_addresses=127.0.0.1 -k $ROOT -c fsync=off -c max_connections=300" >/dev/null \
    || fail "the server did not start on 127.0.0.1:$PORT; see $ROOT/server.log"
  echo "$URL"
}

stop() {
  running || return 0
  as_server "$(bin_dir)/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
}

# One start or stop at a time (test binaries run in parallel may all ask for the server).
mkdir -p "$ROOT"
exec 9>"$ROOT.lock"
flock 9

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) echo "$URL" ;;
  *) echo "usage: scripts/postgres.sh start|stop|url" >&2; exit 2 ;;
esac
