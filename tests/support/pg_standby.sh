#!/usr/bin/env bash
# A PostgreSQL hot standby of the local server, on loopback, for the read
# replica tests (tests/read_replicas.rs) and for trying DATABASE_READ_URL.
#
#   tests/support/pg_standby.sh allow-replication   pg_hba.conf: replication from 127.0.0.1 (idempotent)
#   tests/support/pg_standby.sh start               base backup + start (reuses a running standby)
#   tests/support/pg_standby.sh stop                stop at once (-m immediate) and remove it
#   tests/support/pg_standby.sh status              exit 0 when it accepts connections
#
# Settings (environment): PG_PRIMARY_HOST (127.0.0.1), PG_PRIMARY_PORT
# (5432), PG_PRIMARY_SOCKET (/var/run/postgresql), PG_STANDBY_PORT (54329), PG_STANDBY_DIR
# (/tmp/toasoan-pg-standby-$PG_STANDBY_PORT), PG_BIN (the newest
# /usr/lib/postgresql/*/bin). Runs as root (the server's files are the
# postgres user's: commands run as postgres through runuser) or as postgres.
set -euo pipefail

PRIMARY_HOST="${PG_PRIMARY_HOST:-127.0.0.1}"
PRIMARY_PORT="${PG_PRIMARY_PORT:-5432}"
PRIMARY_SOCKET="${PG_PRIMARY_SOCKET:-/var/run/postgresql}"
PORT="${PG_STANDBY_PORT:-54329}"
DIR="${PG_STANDBY_DIR:-/tmp/toasoan-pg-standby-$PORT}"
LOCK="$DIR.lock"
if [ -z "${PG_BIN:-}" ]; then
  PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
fi
[ -x "$PG_BIN/pg_ctl" ] || { echo "pg_standby: no PostgreSQL binaries (set PG_BIN)" >&2; exit 1; }

# Runs a command as the postgres user.
as_postgres() {
  if [ "$(id -un)" = postgres ]; then
    "$@"
  elif [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    echo "pg_standby: run as root or postgres" >&2
    exit 1
  fi
}

# Over the Unix socket (peer authentication as postgres): TCP may need a
# password.
primary_sql() {
  as_postgres "$PG_BIN/psql" -h "$PRIMARY_SOCKET" -p "$PRIMARY_PORT" -U postgres -d postgres -XAtqc "$1"
}

allow_replication() {
  local hba
  hba="$(primary_sql 'SHOW hba_file')"
  if ! grep -Eq '^[[:space:]]*host[[:space:]]+replication[[:space:]]+all[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$hba"; then
    echo "pg_standby: allowing replication from 127.0.0.1 in $hba"
    printf '\n# Toà Soạn tests: a hot standby on loopback (tests/support/pg_standby.sh)\nhost replication all 127.0.0.1/32 trust\n' >>"$hba"
    primary_sql 'SELECT pg_reload_conf()' >/dev/null
    # The reload is asynchronous: give the postmaster a moment.
    sleep 1
  fi
}

is_up() {
  "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"
}

start() {
  if is_up; then
    echo "pg_standby: already running on 127.0.0.1:$PORT ($DIR)"
    return 0
  fi
  allow_replication
  if [ -f "$DIR/postmaster.pid" ]; then
    as_postgres "$PG_BIN/pg_ctl" -D "$DIR" stop -m immediate >/dev/null 2>&1 || true
  fi
  rm -rf "$DIR"
  mkdir -p "$DIR"
  chown postgres: "$DIR" 2>/dev/null || true
  chmod 700 "$DIR"
  as_postgres "$PG_BIN/pg_basebackup" -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres \
    -D "$DIR" -R -X stream -c fast
  # A hot standby needs these at least as high as on the primary.
  local inherited
  inherited="$(primary_sql "SELECT string_agg(name || ' = ' || setting, E'\n') FROM pg_settings
    WHERE name IN ('max_connections', 'max_worker_processes', 'max_wal_senders',
                   'max_prepared_transactions', 'max_locks_per_transaction')")"
  # Debian keeps the configuration outside the data directory: the
  # standby gets its own, and the primary's client authentication.
  as_postgres cp "$(primary_sql 'SHOW hba_file')" "$DIR/pg_hba.conf"
  as_postgres touch "$DIR/pg_ident.conf"
  as_postgres tee "$DIR/postgresql.conf" >/dev/null <<EOF
# The Toà Soạn test standby (tests/support/pg_standby.sh)
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$DIR'
hot_standby = on
shared_buffers = 32MB
fsync = off
logging_collector = off
$inherited
EOF
  # Without the lock's descriptor: the server would hold the lock for life.
  as_postgres "$PG_BIN/pg_ctl" -D "$DIR" -l "$DIR/standby.log" -w -t 60 start >/dev/null 9>&-
  for _ in $(seq 1 60); do
    if is_up; then
      echo "pg_standby: hot standby of $PRIMARY_HOST:$PRIMARY_PORT on 127.0.0.1:$PORT ($DIR)"
      return 0
    fi
    sleep 0.5
  done
  echo "pg_standby: the standby did not start (see $DIR/standby.log)" >&2
  tail -n 20 "$DIR/standby.log" >&2 || true
  return 1
}

stop() {
  if [ -f "$DIR/postmaster.pid" ]; then
    as_postgres "$PG_BIN/pg_ctl" -D "$DIR" stop -m immediate >/dev/null 2>&1 || true
  fi
  rm -rf "$DIR"
}

command="${1:-}"
case "$command" in
  allow-replication) allow_replication ;;
  start | stop)
    # One standby per port: concurrent callers take turns.
    exec 9>"$LOCK"
    flock 9
    "$command"
    ;;
  status) is_up ;;
  *)
    echo "usage: $0 allow-replication|start|stop|status" >&2
    exit 2
    ;;
esac
