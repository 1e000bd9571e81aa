#!/usr/bin/env bash
# Search benchmark: a release build, a generated archive of N articles
# (default 100,000) on SQLite and PostgreSQL, 20 typical queries measured
# through the GraphQL executor. Writes bench/SEARCH.md.
#
#   bench/search.sh [ARTICLES] [ROUNDS]
#
# PostgreSQL: BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432),
# the database toasoan_bench_<N> is created once and reused.
set -euo pipefail
cd "$(dirname "$0")/.."
articles=${1:-100000}
rounds=${2:-30}
pg=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}
out=bench/out
mkdir -p "$out"

cargo build --release --bin toasoan --example bench_search
bin=target/release/toasoan
bench=target/release/examples/bench_search

sqlite="$out/archive-$articles.db"
if [ ! -f "$sqlite" ]; then
  NO_DEMO=1 DATABASE_URL="sqlite://$sqlite?mode=rwc" "$bin" generate --articles "$articles" --seed 1
fi
pgdb="toasoan_bench_$articles"
if ! psql "$pg/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$pgdb'" | grep -q 1; then
  psql "$pg/postgres" -qc "CREATE DATABASE $pgdb"
  NO_DEMO=1 DATABASE_URL="$pg/$pgdb" "$bin" generate --articles "$articles" --seed 1
fi

# Archives made by an older build get the current schema first.
NO_DEMO=1 DATABASE_URL="sqlite://$sqlite" "$bin" migrate
NO_DEMO=1 DATABASE_URL="$pg/$pgdb" "$bin" migrate

{
  echo "# Search benchmark"
  echo
  echo "$(date -u +%Y-%m-%d), $(nproc) cores, release build, $articles generated articles (seed 1),"
  echo "\`bench/search.sh $articles $rounds\`. Latency of one GraphQL request executed in process"
  echo "(no HTTP), anonymous reader, first page of 10 results with highlights."
  echo
  DATABASE_URL="sqlite://$sqlite" "$bench" "$rounds"
  DATABASE_URL="$pg/$pgdb" "$bench" "$rounds"
} > bench/SEARCH.md
cat bench/SEARCH.md
