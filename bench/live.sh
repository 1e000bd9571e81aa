#!/usr/bin/env bash
# Live subscriptions benchmark: a release build serving the demo newsroom,
# N idle WebSocket subscribers to `articlePublished` (default 5,000) from
# one loopback client, the server's memory per connection, and the time
# from one publication to the last subscriber's event. SQLite, then
# PostgreSQL (BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432; a
# fresh database each run). Writes bench/LIVE.md.
#
#   bench/live.sh [SUBSCRIBERS]
set -euo pipefail
cd "$(dirname "$0")/.."
subscribers=${1:-5000}
pg=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}
out=bench/out
mkdir -p "$out"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

cargo build --release --bin toasoan --example bench_live
bin=target/release/toasoan
bench=target/release/examples/bench_live
secret=bench-live-secret-0123456789abcdef0123456789
port=18787
token=$(JWT_SECRET=$secret "$bin" token --sub bench-editor --role editor --ttl 1h)

run() { # database URL, label
  local url=$1 label=$2
  APP_ENV=development JWT_SECRET=$secret DATABASE_URL=$url LISTEN_ADDR=127.0.0.1:$port \
    SUBSCRIPTIONS_MAX_CONNECTIONS=$((subscribers + 100)) \
    SUBSCRIPTIONS_MAX_PER_CLIENT=$((subscribers + 100)) \
    RUST_LOG=warn "$bin" serve > "$out/live-$label.log" 2>&1 &
  local server=$!
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$port/readyz" > /dev/null && break
    sleep 0.2
  done
  echo "### $label"
  echo
  echo '```'
  "$bench" "127.0.0.1:$port" "$server" "$subscribers" "$token"
  echo '```'
  echo
  kill "$server"; wait "$server" || true
}

rm -rf "$out/live.db" "$out/live.db-"* "$out/live.db.search"
psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS toasoan_bench_live" -qc "CREATE DATABASE toasoan_bench_live"
{
  echo "# Live subscriptions benchmark"
  echo
  echo "$(date -u +%Y-%m-%d), $(nproc) cores shared by the server, its database and the client;"
  echo "release build, demo newsroom, \`bench/live.sh $subscribers\`. $subscribers WebSocket"
  echo "connections (\`graphql-transport-ws\`), each subscribed to"
  echo "\`articlePublished { id title publishedAt section { name } }\`; one editor then"
  echo "publishes an article over HTTP. Memory: the server's RSS with the idle"
  echo "subscribers minus before them. Latency: from the publish mutation's answer"
  echo "(its commit came before) to each subscriber's event, measured by the client."
  echo
  run "sqlite://$out/live.db?mode=rwc" sqlite
  run "$pg/toasoan_bench_live" postgresql
} > bench/LIVE.md
cat bench/LIVE.md
