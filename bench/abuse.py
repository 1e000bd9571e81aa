#!/usr/bin/env python3
"""Abuse benchmark (issue #13): how much a hostile client slows the
legitimate readers down.

Runs W1 (the home page) quietly, then again while a second client floods
the server with hostile documents (alias and `first: 0` bombs, deep and
fragment-heavy selections, oversized pages, distinct junk persisted
queries, malformed bodies). The server trusts loopback as its proxy, so the
readers arrive with X-Forwarded-For addresses of their own (many readers
behind a CDN) and the attacker with one. The verdict: W1's p99 under the
flood stays within 2x of its quiet p99.

Called by bench/run.sh --abuse (which builds the binary and the archives).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import harness
import workloads as W

HERE = Path(__file__).resolve().parent
ATTACKER = "198.51.100.66"


def hostile_bodies(junk):
    """The attacker's documents, one JSON body per line."""

    def body(query, **extra):
        return json.dumps({"query": query, **extra}, ensure_ascii=False)

    search = " ".join(f'a{i}: search(query: "dan van tinh uy", first: 0) {{ totalCount }}'
                      for i in range(1500))
    counts = " ".join(f"a{i}: articles(first: 0) {{ totalCount }}" for i in range(3000))
    deep = "{ articles(first: 1) { nodes { " + "section { parent { " * 20 + "slug" \
        + " } }" * 20 + " } } }"
    fragments = (
        "query { ...A ...A ...A ...A ...A ...A ...A ...A }\n"
        "fragment A on Query { articles(first: 100) { nodes { ...B ...B ...B ...B } } }\n"
        "fragment B on Article { people { person { articles(first: 100) { nodes { title } } } } }"
    )
    wide = "{ articles(first: 100) { nodes { relatedArticles(first: 100) { " \
        "relatedArticles(first: 100) { title } } } } }"
    lines = [body("{ " + search + " }"), body("{ " + counts + " }"), body(deep),
             body(fragments), body(wide), '{"query": "{ articles(first: ', "not json at all"]
    # Distinct junk under persisted-query hashes: a store that keeps what
    # it is sent grows with every one of them.
    for i in range(junk):
        lines.append(json.dumps({
            "query": f"{{ junk{i}: __typename " + "x" * 2000 + f" {i} }}",
            "extensions": {"persistedQuery": {"version": 1, "sha256Hash": f"{i:064x}"}},
        }))
    return lines


def flood(url, seconds, connections, bodies_path):
    command = ["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
               "-s", str(HERE / "wrk" / "flood.lua"), url + "/graphql", "--", str(bodies_path)]
    env = dict(os.environ, BENCH_FORWARDED_FOR=ATTACKER)
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)


def flood_result(process):
    out, err = process.communicate()
    for line in out.splitlines():
        if line.startswith("FLOOD_RESULT "):
            return json.loads(line[len("FLOOD_RESULT "):])
    raise SystemExit(f"the flood gave no result:\n{out}\n{err}")


def readers(server, seconds, connections, w1):
    os.environ["BENCH_FORWARDED_FOR"] = "spread"
    try:
        return harness.wrk(server.url, seconds, 2, connections, [w1])
    finally:
        del os.environ["BENCH_FORWARDED_FOR"]


def scenario(server, args, w1, hostile):
    """Quiet runs, then runs under the flood; medians."""
    harness.wrk(server.url, args.warmup, 2, args.connections, [w1])
    quiet, loud, floods = [], [], []
    for _ in range(args.runs):
        quiet.append(readers(server, args.seconds, args.connections, w1))
        attack = flood(server.url, args.seconds + 2, args.flood_connections, hostile)
        time.sleep(1)
        loud.append(readers(server, args.seconds, args.connections, w1))
        floods.append(flood_result(attack))

    def med(runs, key):
        return statistics.median(r[key] for r in runs)

    statuses = {}
    for f in floods:
        for status, n in f["statuses"].items():
            statuses[status] = statuses.get(status, 0) + n
    return {
        "quiet_p99_ms": med(quiet, "p99_us") / 1000,
        "quiet_rps": statistics.median(r["requests"] / (r["duration_us"] / 1e6) for r in quiet),
        "flood_p99_ms": med(loud, "p99_us") / 1000,
        "flood_rps": statistics.median(r["requests"] / (r["duration_us"] / 1e6) for r in loud),
        "readers_failed": sum(r["failed"] + r["socket_errors"] for r in quiet + loud),
        "attacker_rps": statistics.median(f["requests"] / (f["duration_us"] / 1e6)
                                          for f in floods),
        "attacker_statuses": statuses,
        "attacker_socket_errors": sum(f["socket_errors"] for f in floods),
    }


def render(results, args, started):
    lines = [
        "# Abuse benchmark (issue #13)", "",
        f"Run {started:%Y-%m-%d %H:%M} UTC with `{args.command}`, {args.articles:,} articles. "
        f"Readers: W1 (the home page) over {args.connections} connections, each request with an "
        "X-Forwarded-For of its own; attacker: one client address over "
        f"{args.flood_connections} connections sending hostile documents (alias and `first: 0` "
        "bombs, deep and fragment-heavy selections, oversized pages, distinct junk persisted "
        "queries, malformed bodies). Medians of "
        f"{args.runs} runs of {args.seconds} s. The verdict: readers' p99 under the flood within "
        "2x of their quiet p99.", "",
        "| database | rate limit | quiet W1 req/s | quiet p99 ms | flooded W1 req/s "
        "| flooded p99 ms | ratio | verdict | readers failed | attacker req/s | attacker answers |",
        "|---|---|---:|---:|---:|---:|---:|---|---:|---:|---|",
    ]
    for (database, limit), r in results.items():
        ratio = r["flood_p99_ms"] / max(r["quiet_p99_ms"], 1e-9)
        # A flood that starves the readers completes no request to time:
        # no p99 to compare, and the verdict is a failure.
        starved = r["readers_failed"] > 0 or r["flood_rps"] < 1
        met = ratio <= 2 and not starved
        answers = ", ".join(f"{k}: {v}" for k, v in sorted(r["attacker_statuses"].items()))
        lines.append(
            f"| {database} | {limit} | {r['quiet_rps']:.0f} | {r['quiet_p99_ms']:.1f} "
            f"| {r['flood_rps']:.0f} | {r['flood_p99_ms']:.1f} | {ratio:.2f}x "
            f"| {'met' if met else 'NOT met'} | {r['readers_failed']} "
            f"| {r['attacker_rps']:.0f} | {answers} |")
    notes = HERE / "ABUSE-NOTES.md"
    if notes.exists():
        lines += ["", notes.read_text(encoding="utf-8").rstrip()]
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--database", action="append", required=True, help="NAME=URL")
    parser.add_argument("--articles", type=int, required=True)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--flood-connections", type=int, default=16)
    parser.add_argument("--rate-limits", default="0,6000",
                        help="RATE_LIMIT_PER_MINUTE values to run with (0: off)")
    parser.add_argument("--out", default=str(HERE / "out"))
    parser.add_argument("--report", default=str(HERE / "ABUSE.md"))
    parser.add_argument("--command", default="bench/run.sh --abuse")
    args = parser.parse_args()
    started = datetime.now(timezone.utc)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    hostile = out / "hostile.jsonl"
    hostile.write_text("\n".join(hostile_bodies(4000)) + "\n", encoding="utf-8")
    w1 = out / "abuse-w1.jsonl"
    w1.write_text(harness.body(W.W1, W.W1_VARIABLES) + "\n", encoding="utf-8")
    results = {}
    for index, entry in enumerate(args.database):
        database, url = entry.split("=", 1)
        for limit in [int(x) for x in args.rate_limits.split(",")]:
            harness.log(f"{database}, RATE_LIMIT_PER_MINUTE={limit}: starting the server")
            server = harness.Server(args.binary, url, 18180 + index, None,
                                    out / f"abuse-{database}.log",
                                    {"TRUSTED_PROXIES": "127.0.0.1/32",
                                     "RATE_LIMIT_PER_MINUTE": str(limit)})
            try:
                results[(database, "off" if limit == 0 else f"{limit}/min")] = scenario(
                    server, args, w1, hostile)
            finally:
                server.stop()
    report = render(results, args, started)
    Path(args.report).write_text(report, encoding="utf-8")
    print(report)
    if any(r["readers_failed"] for r in results.values()):
        harness.log("some readers' requests failed")
        sys.exit(1)


if __name__ == "__main__":
    main()
