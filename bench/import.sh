#!/usr/bin/env bash
# Import benchmark: a release build, a generated WordPress export of N posts
# (default 100,000; `bench/wxr.py`, plus one image attachment per four
# posts) imported with `toasoan import wordpress --quiet` into an empty
# SQLite database and an empty PostgreSQL database, then imported again
# (every item unchanged). Prints the wall time, items per second and the
# peak resident memory (GNU time's maximum RSS) of each run.
#
#   bench/import.sh [POSTS]
#
# PostgreSQL: BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432);
# the database toasoan_import_<N> is dropped and created.
set -euo pipefail
cd "$(dirname "$0")/.."
posts=${1:-100000}
pg=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}
out=bench/out
mkdir -p "$out"

cargo build --release --bin toasoan
bin=${CARGO_TARGET_DIR:-target}/release/toasoan

archive="$out/wordpress-$posts.xml"
[ -f "$archive" ] || python3 bench/wxr.py "$posts" 1 > "$archive"
echo "archive: $archive, $(du -h "$archive" | cut -f1), $posts posts"

run() {
  local label=$1 url=$2
  local log="$out/import-$label.log"
  /usr/bin/time -v env NO_DEMO=1 DATABASE_URL="$url" "$bin" import wordpress "$archive" --quiet \
    > "$log.out" 2> "$log"
  local secs rss
  secs=$(grep 'Elapsed (wall clock)' "$log" | awk '{print $NF}' | awk -F: '{ if (NF == 3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(grep 'Maximum resident set size' "$log" | awk '{print $NF}')
  printf '%-24s %8.1f s %8.0f posts/s  peak RSS %6.1f MB  %s\n' "$label" "$secs" \
    "$(echo "$posts / $secs" | bc -l)" "$(echo "$rss / 1024" | bc -l)" "$(tail -1 "$log.out")"
}

sqlite="$out/import-$posts.db"
rm -f "$sqlite" "$sqlite-wal" "$sqlite-shm"
run sqlite-first "sqlite://$sqlite?mode=rwc"
run sqlite-again "sqlite://$sqlite"

pgdb="toasoan_import_$posts"
psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS $pgdb" -qc "CREATE DATABASE $pgdb"
run postgres-first "$pg/$pgdb"
run postgres-again "$pg/$pgdb"
