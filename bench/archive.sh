# The PostgreSQL benchmark archive, shared by bench/run.sh and
# bench/peer.sh (sourced, not run). Needs $pg, the server's URL without a
# database (postgres://postgres@127.0.0.1:5432).
#
#   pg_archive BIN ARTICLES     database toasoan_bench_ARTICLES, generated
#                               once by `BIN generate --seed 1` and brought
#                               to the current schema
#   pg_copy ARTICLES SUFFIX     a fresh copy of it, toasoan_bench_ARTICLES_SUFFIX,
#                               analyzed and read into the page cache

pg_archive() {
  local bin=$1 articles=$2
  local db="toasoan_bench_$articles"
  if ! psql "$pg/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
    psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS ${db}_part"
    psql "$pg/postgres" -qc "CREATE DATABASE ${db}_part"
    NO_DEMO=1 DATABASE_URL="$pg/${db}_part" "$bin" generate --articles "$articles" --seed 1
    psql "$pg/postgres" -qc "ALTER DATABASE ${db}_part RENAME TO $db"
  fi
  NO_DEMO=1 DATABASE_URL="$pg/$db" "$bin" migrate >/dev/null
}

pg_copy() {
  local articles=$1 suffix=$2
  local db="toasoan_bench_$articles" copy="toasoan_bench_${articles}_$suffix"
  psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS $copy"
  psql "$pg/postgres" -qc "CREATE DATABASE $copy TEMPLATE $db"
  psql "$pg/$copy" -qc "VACUUM ANALYZE"
  # Into the operating system's cache (pg_prewarm is in PostgreSQL's contrib).
  psql "$pg/$copy" -qAt -c "CREATE EXTENSION IF NOT EXISTS pg_prewarm" \
    -c "SELECT sum(pg_prewarm(oid::regclass, 'read')) FROM pg_class
        WHERE relkind IN ('r', 'i', 't') AND relpersistence = 'p'" >/dev/null \
    || echo "bench: pg_prewarm unavailable; the first runs read from disk" >&2
}
