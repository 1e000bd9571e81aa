#!/usr/bin/env bash
# Load benchmark of the HTTP API, workloads W0-W6 of issue #6, on SQLite
# and PostgreSQL. Writes bench/REPORT.md.
#
#   bench/run.sh [ARTICLES]     full run: release build, 100,000 articles;
#                               W1 and W3 also open loop at half their
#                               maximum rate (bench/openloop.py, issue #20)
#   bench/run.sh --smoke        seconds-long check of the harness (CI):
#                               debug build, 500 articles, 2 s per workload
#   bench/run.sh --abuse [N]    W1's latency, quiet and while a hostile
#                               client floods the server (bench/abuse.py;
#                               writes bench/ABUSE.md)
#   bench/run.sh --cached [N]   W1, W3 and W6E (W1 while an editor edits a
#                               listed article every second) with the
#                               response cache on (RESPONSE_CACHE_MB=64;
#                               writes bench/CACHED.md). Other runs measure
#                               the engine: the cache is off.
#
# Needs wrk (Debian: apt-get install wrk) and python3. The archives are
# generated once (bench/out/archive-N.db, PostgreSQL database
# toasoan_bench_N) and reused; each run works on a fresh copy of them,
# since W6 edits articles, read once beforehand so that runs measure the
# server, not the disk. PostgreSQL: BENCH_PG_URL (default
# postgres://postgres@127.0.0.1:5432), with BENCH_PG_OPTIONS added to the
# server's URL (default sslmode=disable: TLS on loopback measures
# encryption, not the API); BENCH_DATABASES=sqlite limits the
# run to SQLite. Other harness options pass through BENCH_ARGS, e.g.
# BENCH_ARGS="--workloads W1,W3 --seconds 20".
set -euo pipefail
cd "$(dirname "$0")/.."
smoke=0
abuse=0
cached=0
if [ "${1:-}" = "--smoke" ]; then
  smoke=1
  shift
elif [ "${1:-}" = "--abuse" ]; then
  abuse=1
  shift
elif [ "${1:-}" = "--cached" ]; then
  cached=1
  shift
fi
pg=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}
databases=${BENCH_DATABASES:-sqlite,postgres}
out=bench/out
mkdir -p "$out"
command -v wrk >/dev/null || { echo "bench/run.sh needs wrk (apt-get install wrk)" >&2; exit 1; }
# shellcheck source=bench/archive.sh
. bench/archive.sh

if [ "$smoke" = 1 ]; then
  articles=${1:-500}
  cargo build --bin toasoan
  bin=target/debug/toasoan
  options=(--seconds 2 --warmup 1 --runs 1 --connections 4 --threads 1 --sample 100
           --open-loop W1 --open-loop-seconds 2
           --report "$out/SMOKE.md"
           --command "bench/run.sh --smoke")
else
  articles=${1:-100000}
  cargo build --release --bin toasoan
  bin=target/release/toasoan
  options=(--command "bench/run.sh $*" --open-loop W1,W3)
  if [ "$abuse" = 1 ]; then
    options=(--command "bench/run.sh --abuse $*")
  fi
  if [ "$cached" = 1 ]; then
    options=(--command "bench/run.sh --cached $*" --cache-mb 64 --workloads W1,W3,W6E
             --report bench/CACHED.md --out "$out/cached")
  fi
fi

# The archives, generated once per size (and brought to the current schema).
sqlite="$out/archive-$articles.db"
if [ ! -f "$sqlite" ]; then
  NO_DEMO=1 DATABASE_URL="sqlite://$sqlite.part?mode=rwc" "$bin" generate --articles "$articles" --seed 1
  mv "$sqlite.part" "$sqlite"
fi
NO_DEMO=1 DATABASE_URL="sqlite://$sqlite" "$bin" migrate >/dev/null
targets=()
if [[ ",$databases," == *",sqlite,"* ]]; then
  # A copy per run: W6 edits it. The WAL is checkpointed first.
  copy="$out/load-$articles.db"
  rm -f "$copy" "$copy-wal" "$copy-shm"
  cp "$sqlite" "$copy"
  cat "$copy" >/dev/null
  targets+=(--database "sqlite=sqlite://$copy")
fi
if [[ ",$databases," == *",postgres,"* ]]; then
  pg_archive "$bin" "$articles"
  pg_copy "$articles" load
  targets+=(--database "postgres=$pg/toasoan_bench_${articles}_load?${BENCH_PG_OPTIONS:-sslmode=disable}")
fi

if [ "$abuse" = 1 ]; then
  # shellcheck disable=SC2086
  exec python3 bench/abuse.py --binary "$bin" --articles "$articles" "${targets[@]}" \
    "${options[@]}" ${BENCH_ARGS:-}
fi

# shellcheck disable=SC2086
python3 bench/harness.py --binary "$bin" --articles "$articles" "${targets[@]}" \
  "${options[@]}" ${BENCH_ARGS:-}
