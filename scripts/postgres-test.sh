#!/usr/bin/env bash
# Runs the PostgreSQL backend's tests (internal/store/postgres), then the
# multi-node tests (test/multinode: several servers on one database), against
# a throwaway PostgreSQL cluster: created in a temporary directory, started on
# a free loopback port, stopped and removed when the script exits, whatever
# the outcome. The script fails when either package's tests fail.
#
# The tests get the cluster's DSN in CLEANROOM_TEST_POSTGRES, and in
# CLEANROOM_TEST_PG_RESTART a shell command (for sh -c) that restarts the
# cluster and returns once it accepts connections again.
#
# PostgreSQL comes from what the machine has: initdb and pg_ctl on PATH or
# under /usr/lib/postgresql/*/bin. When there is none and the script runs as
# root, it installs Debian's postgresql package. initdb and pg_ctl refuse to
# run as root, so as root the cluster belongs to the postgres user (created if
# missing).
#
# Usage: scripts/postgres-test.sh [go test flags...]   (default: -count=1 -race;
# the flags apply to internal/store/postgres; test/multinode always runs with
# -count=1 -race -v, which prints the delays it measures)
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "postgres-test: $*" >&2; }

# find_bin NAME prints the path of a PostgreSQL server binary, preferring the
# one on PATH, then the newest under /usr/lib/postgresql.
find_bin() {
  local p
  if p=$(command -v "$1" 2>/dev/null); then
    echo "$p"
    return 0
  fi
  for p in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$p/$1" ]; then
      echo "$p/$1"
      return 0
    fi
  done
  return 1
}

if ! initdb=$(find_bin initdb) || ! pg_ctl=$(find_bin pg_ctl); then
  if [ "$(id -u)" -ne 0 ]; then
    log "PostgreSQL (initdb, pg_ctl) is not installed; install it (apt-get install postgresql) or run as root"
    exit 1
  fi
  log "installing PostgreSQL from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y postgresql >/dev/null || { apt-get update >/dev/null && apt-get install -y postgresql >/dev/null; }
  initdb=$(find_bin initdb)
  pg_ctl=$(find_bin pg_ctl)
fi

# as_owner runs a command as the cluster's owner.
if [ "$(id -u)" -eq 0 ]; then
  owner=postgres
  if ! id -u "$owner" >/dev/null 2>&1; then
    log "creating the $owner user"
    useradd --system --user-group --home-dir /var/lib/postgresql --shell /usr/sbin/nologin "$owner"
  fi
  as_owner() { runuser -u "$owner" -- "$@"; }
else
  owner=$(id -un)
  as_owner() { "$@"; }
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/cleanroom-pg.XXXXXX")
chmod 0755 "$dir" # the owner must reach it when it is not us
data="$dir/data"
mkdir "$data"
[ "$(id -u)" -eq 0 ] && chown "$owner" "$dir" "$data"
started=0

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ "$started" = 1 ]; then
    as_owner "$pg_ctl" -D "$data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
  fi
  # Anything still running from the cluster's directory (a postmaster that
  # pg_ctl could not stop) goes too.
  if [ -f "$data/postmaster.pid" ]; then
    pid=$(head -1 "$data/postmaster.pid" 2>/dev/null || true)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill -9 "$pid" 2>/dev/null || true
    fi
  fi
  rm -rf "$dir"
  exit "$status"
}
# On a signal, stop the tests first (bash runs traps only once the
# foreground command ends: the tests run in the background and are waited
# for), then clean up.
test_pid=
interrupted() {
  if [ -n "$test_pid" ]; then
    pkill -TERM -P "$test_pid" 2>/dev/null || true # the test binary
    kill -TERM "$test_pid" 2>/dev/null || true     # go test
    wait "$test_pid" 2>/dev/null || true
  fi
  exit "$1"
}
trap cleanup EXIT
trap 'interrupted 130' INT
trap 'interrupted 143' TERM

log "initdb ($initdb) as $owner in $data"
as_owner "$initdb" -D "$data" --auth=trust --encoding=UTF8 --locale=C --username=postgres >"$dir/initdb.log" 2>&1 || {
  cat "$dir/initdb.log" >&2
  exit 1
}

# A free port: ask the kernel for one, and retry with another if the server
# loses a race for it.
free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
  else
    echo $((20000 + RANDOM % 20000))
  fi
}

for attempt in 1 2 3 4 5; do
  port=$(free_port)
  # fsync and synchronous_commit on: the tests run with the durability
  # settings production needs.
  if as_owner "$pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=on -c synchronous_commit=on -c max_connections=200" start >/dev/null; then
    started=1
    break
  fi
  log "server did not start on port $port (attempt $attempt)"
  tail -5 "$dir/server.log" >&2 || true
done
if [ "$started" != 1 ]; then
  log "could not start PostgreSQL"
  exit 1
fi
log "PostgreSQL running on 127.0.0.1:$port"

export CLEANROOM_TEST_POSTGRES="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
# A fast restart (sessions terminated, clean shutdown) with the options the
# server was started with (pg_ctl keeps them in postmaster.opts); -l keeps the
# new server's output out of the caller's pipes.
restart=("$pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 -m fast restart)
if [ "$(id -u)" -eq 0 ]; then
  restart=(runuser -u "$owner" -- "${restart[@]}")
fi
CLEANROOM_TEST_PG_RESTART=$(printf '%q ' "${restart[@]}")
export CLEANROOM_TEST_PG_RESTART
if [ $# -eq 0 ]; then
  set -- -count=1 -race
fi

# run_tests PKG FLAGS... runs one package's tests in the background (see
# interrupted) and returns their status.
run_tests() {
  local pkg=$1 rc=0
  shift
  ${GO:-go} test "$@" "$pkg" &
  test_pid=$!
  wait "$test_pid" || rc=$?
  test_pid=
  if [ "$rc" -ne 0 ]; then
    log "$pkg: tests failed; the server's log ends with:"
    tail -20 "$dir/server.log" >&2 || true
  fi
  return "$rc"
}

status=0
run_tests ./internal/store/postgres/ "$@" || status=$?
mstatus=0
run_tests ./test/multinode/ -count=1 -race -v || mstatus=$? # -v: the measured delays
[ "$status" -ne 0 ] || status=$mstatus
exit "$status"
