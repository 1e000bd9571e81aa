#!/usr/bin/env python3
"""Toà Soạn next to a peer: PostGraphile 4 on the same PostgreSQL archive.

Starts the release server (response cache off) and PostGraphile (cluster
workers), sends both the same logical queries (W0, W1 the home page, W3 the
article page without related content), checks that the answers hold the
same articles, people, organizations, events, tags, sections and links,
then drives each workload on each server with wrk exactly as
bench/harness.py does and writes the "## Peer: PostGraphile" section of
bench/REPORT.md (the rest of the report is kept).

The documents and the comparison of answers are in bench/peer_answers.py.
Called by bench/peer.sh (which builds the binary, installs PostGraphile and
makes the database copy); only the Python standard library, wrk, node and
the servers are needed.
"""

import argparse
import json
import os
import random
import resource
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

import harness as H
import peer_answers as A
import workloads as W

HERE = Path(__file__).resolve().parent
TOASOAN_PORT = 18090
PEER_PORT = 18091
NEWSROOM_ZONE = timezone(timedelta(hours=7))

# ---------------------------------------------------------------- servers


def process_tree(pid):
    """`pid` and its descendants (PostGraphile's cluster workers)."""
    children = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (FileNotFoundError, ProcessLookupError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, []))
    return tree


def post(url, query, variables):
    body = json.dumps({"query": query, "variables": variables}).encode()
    request = urllib.request.Request(url + "/graphql", data=body, method="POST")
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=60) as r:
        answer = json.load(r)
    if answer.get("errors"):
        raise SystemExit(f"{url}: {answer['errors']}")
    return answer["data"]


class Toasoan:
    """The release server, response cache off."""

    name = "Toà Soạn"

    def __init__(self, binary, database_url, log_path):
        self.server = H.Server(binary, database_url, TOASOAN_PORT, None, log_path,
                               settings={"RESPONSE_CACHE_MB": "0"})
        self.url = self.server.url

    def pids(self):
        return [self.server.pid]

    def graphql(self, query, variables=None):
        return post(self.url, query, variables or {})

    def stop(self):
        self.server.stop()


class PostGraphile:
    """PostGraphile 4 from bench/out/peer/node_modules, as its CLI runs it."""

    name = "PostGraphile"

    def __init__(self, folder, database_url, workers, log_path):
        folder = Path(folder).resolve()
        self.url = f"http://127.0.0.1:{PEER_PORT}"
        command = [
            str(folder / "node_modules" / ".bin" / "postgraphile"),
            "--connection", database_url,
            "--schema", "public",
            "--host", "127.0.0.1",
            "--port", str(PEER_PORT),
            "--cluster-workers", str(workers),
            "--append-plugins",
            "@graphile-contrib/pg-simplify-inflector,postgraphile-plugin-connection-filter",
            "--simple-collections", "both",
            "--legacy-relations", "omit",
            "--disable-default-mutations",
            "--disable-query-log",
        ]
        self.workers = []
        self.log = open(log_path, "w")
        # Its own process group, which stop() kills if the master hangs.
        self.process = subprocess.Popen(
            command, cwd=folder, env=dict(os.environ, NODE_ENV="production"),
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + 120
        while time.time() < deadline:
            if self.process.poll() is not None:
                break
            try:
                post(self.url, W.W0, {})
                self.workers = self.pids()[1:]
                if len(self.workers) >= workers:
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.3)
        self.stop()
        raise SystemExit(f"PostGraphile did not start; see {log_path}")

    def pids(self):
        return process_tree(self.process.pid)

    def graphql(self, query, variables=None):
        return post(self.url, query, variables or {})

    def stop(self):
        if self.log.closed:
            return
        # A worker's end makes the master end the others, reap them and
        # exit; the whole group is killed only if that does not happen.
        for pid in self.workers or [self.process.pid]:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.log.close()


# ---------------------------------------------------------------- requests


def prepare(ours, folder, sample):
    """The documents and variables of each side, and their request files."""
    now = datetime.now(timezone.utc).replace(microsecond=0)
    today = now.astimezone(NEWSROOM_ZONE).date().isoformat()
    slugs = random.Random(1).sample(H.published_slugs(ours.server),
                                    sample)  # raises if there are fewer
    when = {"now": now.isoformat()}
    requests = {
        "toasoan": [(W.W0, [{}]), (W.W1, [W.W1_VARIABLES]),
                    (W.W3_PAGE, [{"slug": s} for s in slugs])],
        "peer": [(W.W0, [{}]), (A.PEER_W1, [dict(W.W1_VARIABLES, **when)]),
                 (A.PEER_W3, [{"slug": s, "today": today, **when} for s in slugs])],
    }
    files = {}
    for side, documents in requests.items():
        (folder / side).mkdir(parents=True, exist_ok=True)
        for name, (document, variables) in zip(("W0", "W1", "W3"), documents):
            path = folder / side / f"{name.lower()}.jsonl"
            path.write_text("".join(H.body(document, v) + "\n" for v in variables),
                            encoding="utf-8")
            files[side, name] = path
    return requests, files


# ---------------------------------------------------------------- running


def warm_up(server, name, path, args):
    H.log(f"{server.name} {name}: warm-up {args.warmup}s")
    H.wrk(server.url, args.warmup, args.threads, args.connections, [path])


def measure(server, name, path, args, number):
    """One measured run of wrk: the harness's numbers, and the share of the
    machine's CPU that other processes took meanwhile."""
    pids, db_pids = server.pids(), H.postgres_pids()
    cpu, db_cpu = H.cpu_seconds(pids), H.cpu_seconds(db_pids)
    busy, wrk_cpu, started = machine_busy(), children_cpu(), time.monotonic()
    result = H.wrk(server.url, args.seconds, args.threads, args.connections, [path])
    cpu_after = H.cpu_seconds(server.pids())
    db_cpu_after = H.cpu_seconds(H.postgres_pids())
    busy, wrk_cpu = machine_busy() - busy, children_cpu() - wrk_cpu
    elapsed = time.monotonic() - started
    ours = H.cpu_delta(cpu, cpu_after) + H.cpu_delta(db_cpu, db_cpu_after) + wrk_cpu
    requests = max(result["requests"], 1)
    run = {
        "rps": result["requests"] / (result["duration_us"] / 1e6),
        "p50_ms": result["p50_us"] / 1000,
        "p99_ms": result["p99_us"] / 1000,
        "requests": result["requests"],
        "failed": result["failed"] + result["socket_errors"],
        "sample": result["sample"],
        "cpu_per_1k": H.cpu_delta(cpu, cpu_after) / requests * 1000,
        "db_cpu_per_1k": H.cpu_delta(db_cpu, db_cpu_after) / requests * 1000,
        "other_share": max(busy - ours, 0) / (elapsed * os.cpu_count()),
    }
    H.log(f"{server.name} {name} run {number}: {run['rps']:.0f} req/s, "
          f"p99 {run['p99_ms']:.1f} ms, {run['failed']} failed, "
          f"{run['other_share']:.0%} of the CPU used by other processes")
    if run["failed"]:
        H.log(f"  first failure: {run['sample']}")
    return run


# ---------------------------------------------------------------- report

WORKLOADS = {
    "W0": ("W0", "`{ __typename }`"),
    "W1": ("W1 home page", "20 cards with section, tags, authors, people, organizations, "
           "events, lead image"),
    "W3": ("W3 article page", "without related content: body blocks, section with parent, "
           "tags, authors, lead image, people with current positions and their "
           "organizations, organizations"),
}


def machine_busy():
    """CPU seconds all processes of the machine spent (user, nice and
    system time of /proc/stat; interrupts, which no process is charged
    for, left out)."""
    user, nice, system = map(int, Path("/proc/stat").read_text().split()[1:4])
    return (user + nice + system) / H.CLOCK_TICKS


def children_cpu():
    """CPU seconds of this script's finished children (the wrk runs)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def render(results, args, started):
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=H.ROOT,
                            capture_output=True, text=True).stdout.strip() or "unknown"
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                           cwd=H.ROOT, capture_output=True, text=True).stdout.strip()
    versions = json.loads((Path(args.peer) / "package.json").read_text())["dependencies"]
    lines = [
        H.PEER_HEADING,
        "",
        f"Run {started:%Y-%m-%d %H:%M} UTC on commit `{commit}`"
        f"{' (with local changes)' if dirty else ''}, {os.cpu_count()} cores shared by both "
        "servers, PostgreSQL and wrk.",
        "",
        f"Command: `{args.command}`",
        "",
        f"Toà Soạn (release build, `RESPONSE_CACHE_MB=0`, pool: the server default) and "
        f"PostGraphile {versions['postgraphile']} (`--cluster-workers {args.workers}`, "
        "`postgraphile-plugin-connection-filter` "
        f"{versions['postgraphile-plugin-connection-filter']}, `pg-simplify-inflector`, "
        "`--simple-collections both`, `--disable-query-log`, `NODE_ENV=production`) serve one "
        f"copy of the PostgreSQL archive ({args.articles:,} articles, `toasoan generate "
        "--seed 1`), both on loopback. Each side gets its own GraphQL document for the same "
        "page: PostGraphile's filters on status, deletion and publication time give "
        "anonymous readers what Toà Soạn gives them; W1 is the section "
        f"`{W.W1_VARIABLES['section']}` with its sub-sections; W3 samples "
        f"{args.sample:,} published articles by slug (the same on both sides). Before "
        "measuring, the script fetched every query once from both servers and found the "
        f"same articles in the same order, people, organizations, events, tags, sections, "
        f"images and body blocks (W3: {args.check} pages). Per workload and server: wrk at "
        f"{args.connections} connections, {args.warmup} s warm-up, then {args.runs} "
        f"run{'s' if args.runs != 1 else ''} of {args.seconds} s, the servers taking "
        "turns; the table gives the median run.",
        "",
        *[f"- **{label}**: {what}." for label, what in WORKLOADS.values()],
        "- **CPU-s/1k**: the server's CPU seconds (user + system) per 1,000 requests, "
        "PostGraphile's master and cluster workers together; **DB CPU-s/1k**: PostgreSQL's "
        "processes, the same way.",
        "- **ratio**: Toà Soạn's req/s over PostGraphile's.",
        "",
        "| workload | Toà Soạn req/s | p50 ms | p99 ms | CPU-s/1k | DB CPU-s/1k "
        "| PostGraphile req/s | p50 ms | p99 ms | CPU-s/1k | DB CPU-s/1k | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in args.workloads:
        cells = [WORKLOADS[name][0]]
        rps = {}
        for side in ("toasoan", "peer"):
            runs = results[side][name]
            rps[side] = H.median(runs, "rps")
            cells += [f"{rps[side]:,.0f}", f"{H.median(runs, 'p50_ms'):.2f}",
                      f"{H.median(runs, 'p99_ms'):.2f}", f"{H.median(runs, 'cpu_per_1k'):.3f}",
                      f"{H.median(runs, 'db_cpu_per_1k'):.3f}"]
        cells.append(f"{rps['toasoan'] / rps['peer']:.2f}×")
        lines.append("| " + " | ".join(cells) + " |")
    failed = sum(run["failed"] for side in results.values() for runs in side.values()
                 for run in runs)
    other = [run["other_share"] for side in results.values() for runs in side.values()
             for run in runs]
    lines += ["", f"Failed requests: {failed}. Other processes (neither the servers, "
              "PostgreSQL nor wrk) used "
              f"{statistics.median(other):.0%} of the machine's CPU time in the median "
              f"measured run, {max(other):.0%} at most: above a few per cent the machine was "
              "shared, and the numbers are indicative."]
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--database", required=True, help="the PostgreSQL URL of the copy")
    parser.add_argument("--peer", required=True, help="where PostGraphile is installed")
    parser.add_argument("--articles", type=int, required=True)
    parser.add_argument("--workloads", default="W0,W1,W3")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="PostGraphile's cluster workers")
    parser.add_argument("--sample", type=int, default=500, help="W3 articles")
    parser.add_argument("--check", type=int, default=100, help="W3 pages compared")
    parser.add_argument("--check-only", action="store_true",
                        help="compare the answers, measure nothing")
    parser.add_argument("--report", default=str(HERE / "REPORT.md"))
    parser.add_argument("--command", default="bench/peer.sh")
    args = parser.parse_args()
    args.workloads = [w.strip() for w in args.workloads.split(",") if w.strip()]
    unknown = set(args.workloads) - set(WORKLOADS)
    if unknown:
        parser.error(f"unknown workloads {sorted(unknown)}: the peer runs {list(WORKLOADS)}")
    started = datetime.now(timezone.utc)
    out = Path(args.peer)
    servers = []
    try:
        H.log("starting Toà Soạn and PostGraphile")
        ours = Toasoan(args.binary, args.database, out / "server-toasoan.log")
        servers.append(ours)
        peer = PostGraphile(out, args.database, args.workers, out / "server-postgraphile.log")
        servers.append(peer)
        requests, files = prepare(ours, out / "requests", args.sample)
        args.check = min(args.check, args.sample)
        A.check(ours, peer, requests, args.check)
        if args.check_only:
            return
        # Runs alternate between the servers, so that both meet the same
        # conditions when the machine is shared.
        sides = {"toasoan": ours, "peer": peer}
        results = {side: {name: [] for name in args.workloads} for side in sides}
        for name in args.workloads:
            for side, server in sides.items():
                warm_up(server, name, files[side, name], args)
            for number in range(1, args.runs + 1):
                for side, server in sides.items():
                    results[side][name].append(
                        measure(server, name, files[side, name], args, number))
    finally:
        for server in reversed(servers):
            server.stop()
    (out / "results.json").write_text(json.dumps(results, indent=1))
    section = render(results, args, started)
    report = Path(args.report)
    text = report.read_text(encoding="utf-8") if report.exists() else ""
    report.write_text(H.replace_section(text, H.PEER_HEADING, section), encoding="utf-8")
    print(section)
    failed = sum(run["failed"] for side in results.values() for runs in side.values()
                 for run in runs)
    if failed:
        H.log(f"{failed} requests failed")
        sys.exit(1)


if __name__ == "__main__":
    main()
