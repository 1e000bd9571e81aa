#!/usr/bin/env bash
# Toà Soạn next to a peer: PostGraphile 4 (npm, --cluster-workers 2) on a
# copy of the PostgreSQL benchmark archive, the same logical queries
# (W0, W1 home page, W3 article page without related content) checked
# equal, then measured on both with wrk. Rewrites the "## Peer:
# PostGraphile" section of bench/REPORT.md and nothing else.
#
#   bench/peer.sh [ARTICLES] [OPTIONS]    100,000 articles by default
#   bench/peer.sh 2000 --seconds 3 --warmup 1 --runs 1    a quick look
#   bench/peer.sh 2000 --check-only       compare the answers only
#
# OPTIONS go to bench/peer.py (--seconds, --warmup, --runs, --workloads,
# --sample, --check). Needs wrk, python3, node and npm; PostGraphile
# and its two plugins are installed once from the npm registry into
# bench/out/peer, at the versions of bench/peer/package-lock.json. The
# archive is bench/run.sh's (bench/archive.sh): database toasoan_bench_N,
# copied to toasoan_bench_N_peer for the run. PostgreSQL: BENCH_PG_URL
# (default postgres://postgres@127.0.0.1:5432). Ports 18090 (Toà Soạn) and
# 18091 (PostGraphile), loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
articles=100000
if [[ "${1:-}" =~ ^[0-9]+$ ]]; then
  articles=$1
  shift
fi
pg=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}
out=bench/out/peer
for tool in wrk python3 node npm psql; do
  command -v "$tool" >/dev/null || { echo "bench/peer.sh needs $tool" >&2; exit 1; }
done
# shellcheck source=bench/archive.sh
. bench/archive.sh

cargo build --release --bin toasoan
bin=target/release/toasoan

# PostGraphile, at the pinned versions, installed once.
mkdir -p "$out"
if [ ! -d "$out/node_modules" ] || ! cmp -s bench/peer/package-lock.json "$out/package-lock.json"; then
  cp bench/peer/package.json bench/peer/package-lock.json "$out/"
  (cd "$out" && npm ci --no-audit --no-fund)
fi
cp bench/peer/.postgraphilerc.js "$out/"

pg_archive "$bin" "$articles"
pg_copy "$articles" peer

python3 bench/peer.py --binary "$bin" --articles "$articles" \
  --database "$pg/toasoan_bench_${articles}_peer?sslmode=disable" --peer "$out" \
  --command "bench/peer.sh $articles${*:+ $*}" "$@"
