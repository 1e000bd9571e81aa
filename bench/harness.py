#!/usr/bin/env python3
"""Load benchmark of the HTTP API: starts the release server on each
database, prepares the request files, drives workloads W0-W6 with wrk at a
fixed concurrency, reads the server's CPU time, peak RSS and SQL statement
counter around every run, and writes bench/REPORT.md.

Called by bench/run.sh (which builds the binary and the archives); only the
Python standard library, wrk and the server are needed.
"""

import argparse
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import openloop
import workloads as W

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
JWT_SECRET = "bench-secret-not-for-production-use-0123456789"

# With the response cache on (`--cache-mb`, `bench/run.sh --cached`), issue #20.
CACHED_TARGETS = {
    "W1": (None, 15_000, 5),
    "W3": (None, 15_000, 5),
}

# Issue #20: at a fixed offered rate of half the measured maximum (open
# loop, bench/openloop.py), the p99 in ms of these workloads.
OPEN_LOOP_P99_MS = {"W1": 25, "W3": 25}

TARGETS = {
    # workload: (database or None for both, min requests/s, max p99 ms)
    "W0": (None, 25_000, None),
    "W1": ("postgres", 2_000, 25),
    "W3": (None, 1_500, 30),
}


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class Server:
    """The toasoan binary serving one database on a local port."""

    def __init__(self, binary, database_url, port, pool, log_path, settings=None):
        self.url = f"http://127.0.0.1:{port}"
        env = dict(os.environ)
        env.update(
            DATABASE_URL=database_url,
            LISTEN_ADDR=f"127.0.0.1:{port}",
            NO_DEMO="1",
            JWT_SECRET=JWT_SECRET,
            RUST_LOG="warn",
            # Uncached unless a run asks for the cache: the engine is
            # what most workloads measure.
            RESPONSE_CACHE_MB="0",
        )
        env.update(settings or {})
        if pool:
            env["DATABASE_MAX_CONNECTIONS"] = str(pool)
        self.log = open(log_path, "w")
        self.process = subprocess.Popen(
            [binary, "serve"], env=env, stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.time() + 120
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"the server exited early; see {log_path}")
            try:
                with urllib.request.urlopen(self.url + "/readyz", timeout=2) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        else:
            self.stop()
            raise SystemExit(f"the server did not become ready; see {log_path}")
        # A large archive's search index is built in the background (the
        # database's engine serves meanwhile): the runs measure the index.
        while env.get("SEARCH_ENGINE", "embedded") == "embedded" and time.time() < deadline:
            if self.counters().get("toasoan_search_index_ready", 1) == 1:
                return
            time.sleep(0.5)
        if env.get("SEARCH_ENGINE", "embedded") != "embedded":
            return
        self.stop()
        raise SystemExit(f"the search index was not built in time; see {log_path}")

    @property
    def pid(self):
        return self.process.pid

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()

    def graphql(self, query, variables=None, token=None):
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        request = urllib.request.Request(self.url + "/graphql", data=body, method="POST")
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        with urllib.request.urlopen(request, timeout=60) as r:
            answer = json.load(r)
        if answer.get("errors"):
            raise SystemExit(f"preparing the benchmark failed: {answer['errors']}")
        return answer["data"]

    def get(self, path):
        with urllib.request.urlopen(self.url + path, timeout=60) as r:
            return r.read().decode()

    def counters(self):
        values = {}
        # Unlabelled series only (the toasoan_* counters read here); labelled
        # ones (histograms, families) and float gauges are skipped or kept
        # as floats.
        for line in self.get("/metrics").splitlines():
            if line and not line.startswith("#") and "{" not in line:
                name, value = line.split()
                number = float(value)
                values[name] = int(number) if number.is_integer() else number
        return values

    def reset_peak_rss(self):
        # Writing 5 to clear_refs resets VmHWM (Linux >= 4.0).
        Path(f"/proc/{self.pid}/clear_refs").write_text("5")

    def peak_rss_mb(self):
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")


def cpu_seconds(pids):
    """utime + stime of each pid, in seconds (missing pids are skipped)."""
    total = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        total[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return total


def postgres_pids():
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    pids.append(int(entry.name))
            except (FileNotFoundError, ProcessLookupError, PermissionError):
                pass
    return pids


def cpu_delta(before, after):
    return sum(after[p] - before.get(p, 0.0) for p in after)


# ---------------------------------------------------------------- requests


def body(query, variables=None):
    return json.dumps({"query": query, "variables": variables or {}}, ensure_ascii=False)


def published_slugs(server):
    """The slugs of every published article, from the server's article
    sitemaps (the index also lists the sections' sitemap)."""
    articles = []
    for page in re.findall(r"<loc>([^<]+)</loc>", server.get("/sitemap.xml")):
        path = "/" + page.split("/", 3)[3]
        if not path.startswith("/sitemaps/articles-"):
            continue
        for loc in re.findall(r"<loc>([^<]+)</loc>", server.get(path)):
            articles.append(loc.rstrip("/").rsplit("/", 1)[1])
    if not articles:
        raise SystemExit("the archive has no published articles")
    return articles


def prepare(server, folder, sample):
    """Writes the request files of every workload; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(1)
    files = {}

    def write(name, lines):
        path = folder / name
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        files[name] = path
        return path

    write("w0.jsonl", [body(W.W0)])
    write("w1.jsonl", [body(W.W1, W.W1_VARIABLES)])

    # W2: every section, pages 1-10 reached by following endCursor.
    sections = server.graphql("{ sections { slug children { slug } } }")["sections"]
    slugs = []
    for section in sections:
        slugs.append(section["slug"])
        slugs.extend(child["slug"] for child in section["children"])
    pages = []
    for slug in slugs:
        after = None
        for _ in range(10):
            variables = {"section": slug, "after": after}
            pages.append(body(W.W1, variables))
            info = server.graphql(W.W1, variables)["articles"]["pageInfo"]
            if not info["hasNextPage"]:
                break
            after = info["endCursor"]
    write("w2.jsonl", pages)

    # W3: published articles from the sitemaps, sampled.
    articles = published_slugs(server)
    chosen = rng.sample(articles, min(sample, len(articles)))
    write("w3.jsonl", [body(W.W3, {"slug": s}) for s in chosen])

    # W4: people and events, every one listed, sampled.
    def every(field):
        found, after = [], None
        while True:
            data = server.graphql(
                f"query($after: String) {{ {field}(first: 100, after: $after) "
                "{ nodes { slug } pageInfo { hasNextPage endCursor } } }",
                {"after": after},
            )[field]
            found.extend(node["slug"] for node in data["nodes"])
            if not data["pageInfo"]["hasNextPage"]:
                return found
            after = data["pageInfo"]["endCursor"]

    people_all, events_all = every("people"), every("events")
    people = rng.sample(people_all, min(sample // 2, len(people_all)))
    events = rng.sample(events_all, min(sample // 2, len(events_all)))
    write(
        "w4.jsonl",
        [body(W.W4_PERSON, {"slug": s}) for s in people]
        + [body(W.W4_EVENT, {"slug": s}) for s in events],
    )

    write("w5.jsonl", [body(W.W5, {"q": q}) for q in W.SEARCHES])

    # W6: W1 reads, and edits of articles no thread shares.
    write("w6-reads.jsonl", [body(W.W1, W.W1_VARIABLES)])
    edited = random.Random(6).sample(articles, min(256, len(articles)))
    path = folder / "w6-articles.txt"
    path.write_text("\n".join(edited) + "\n", encoding="utf-8")
    files["w6-articles.txt"] = path
    return files


# ---------------------------------------------------------------- running


def wrk(url, seconds, threads, connections, script_args, token=None):
    command = [
        "wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s",
        "--timeout", "10s", "-s", str(HERE / "wrk" / "requests.lua"), url + "/graphql",
        "--", *map(str, script_args),
    ]
    env = dict(os.environ)
    if token:
        env["BENCH_TOKEN"] = token
    out = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    for line in out.stdout.splitlines():
        if line.startswith("WRK_RESULT "):
            return json.loads(line[len("WRK_RESULT "):])
    raise SystemExit(f"wrk gave no result:\n{out.stdout}\n{out.stderr}")


def workload_plan(files, connections, threads):
    """Per workload: wrk threads, connections and script arguments."""
    return {
        "W0": (threads, connections, [files["w0.jsonl"]]),
        "W1": (threads, connections, [files["w1.jsonl"]]),
        "W2": (threads, connections, [files["w2.jsonl"]]),
        "W3": (threads, connections, [files["w3.jsonl"]]),
        "W4": (threads, connections, [files["w4.jsonl"]]),
        "W5": (threads, connections, [files["w5.jsonl"]]),
        # One connection per thread: each thread follows its own versions.
        "W6": (connections, connections,
               [files["w6-reads.jsonl"], files["w6-articles.txt"], connections, 10]),
        # W1's reads while an editor edits a listed article every second.
        "W6E": (threads, connections, [files["w6-reads.jsonl"]]),
    }


class Editor(threading.Thread):
    """W6E's editor: one edit of the lead of a listed article per second."""

    def __init__(self, server, token, slugs):
        super().__init__(daemon=True)
        self.server, self.token, self.slugs = server, token, slugs
        self.stopping = threading.Event()
        self.writes = 0

    def run(self):
        index = 0
        self.staleness = []
        while not self.stopping.wait(1.0):
            slug = self.slugs[index % len(self.slugs)]
            index += 1
            found = self.server.graphql(W.W6_VERSION, {"slug": slug}, token=self.token)["article"]
            lead = f"Bản tin cập nhật lần {index} lúc {time.strftime('%H:%M:%S')}."
            self.server.graphql(W.W6_UPDATE, {
                "id": found["id"], "version": found["version"], "lead": lead,
            }, token=self.token)
            committed = time.monotonic()
            self.writes += 1
            # How long the anonymous home page kept the old lead.
            while time.monotonic() - committed < 10:
                data = self.server.graphql(W.W1, W.W1_VARIABLES)
                leads = {e["node"]["slug"]: e["node"]["lead"] for e in data["articles"]["edges"]}
                if leads.get(slug, lead) == lead:
                    break
            self.staleness.append(time.monotonic() - committed)

    def stop(self):
        self.stopping.set()
        self.join(timeout=10)


def listed_slugs(server):
    """The articles W1 lists: the ones W6E edits."""
    data = server.graphql(W.W1, W.W1_VARIABLES)
    return [edge["node"]["slug"] for edge in data["articles"]["edges"]]


def cache_lookups(counters):
    return {k: counters.get(f"toasoan_response_cache_{k}_total", 0)
            for k in ("hits", "misses", "collapsed")}


def prime(server, path):
    """Sends every distinct read of a workload once (cached runs measure
    repeated reads: each answer is built once before the runs)."""
    bodies = sorted(set(Path(path).read_text(encoding="utf-8").splitlines()))
    for line in bodies:
        request = urllib.request.Request(server.url + "/graphql", data=line.encode(),
                                         method="POST")
        request.add_header("Content-Type", "application/json")
        # As wrk sends them (bench/wrk/requests.lua): the media type is
        # part of the cache key.
        request.add_header("Accept", "application/graphql-response+json")
        with urllib.request.urlopen(request, timeout=60) as r:
            r.read()
    return len(bodies)


def measure(server, backend, name, plan, args, token):
    threads, connections, script_args = plan
    if getattr(args, "cache_mb", 0) > 0:
        log(f"{backend} {name}: primed {prime(server, script_args[0])} distinct reads")
    log(f"{backend} {name}: warm-up {args.warmup}s")
    wrk(server.url, args.warmup, threads, connections, script_args, token)
    server.reset_peak_rss()
    runs = []
    for number in range(1, args.runs + 1):
        db_pids = postgres_pids() if backend == "postgres" else []
        counters = server.counters()
        cpu = cpu_seconds([server.pid])
        db_cpu = cpu_seconds(db_pids)
        editor = None
        if name == "W6E":
            editor = Editor(server, token, listed_slugs(server))
            editor.start()
        result = wrk(server.url, args.seconds, threads, connections, script_args, token)
        if editor:
            editor.stop()
            result["writes"] = editor.writes
            result["stale_max_ms"] = max(editor.staleness, default=0) * 1000
        counters_after = server.counters()
        cpu_after = cpu_seconds([server.pid])
        db_cpu_after = cpu_seconds(postgres_pids() if backend == "postgres" else [])
        requests = max(result["requests"], 1)
        graphql = counters_after["toasoan_graphql_requests_total"] - counters[
            "toasoan_graphql_requests_total"]
        statements = counters_after["toasoan_sql_statements_total"] - counters[
            "toasoan_sql_statements_total"]
        run = {
            "rps": result["requests"] / (result["duration_us"] / 1e6),
            "p50_ms": result["p50_us"] / 1000,
            "p95_ms": result["p95_us"] / 1000,
            "p99_ms": result["p99_us"] / 1000,
            "requests": result["requests"],
            "failed": result["failed"] + result["socket_errors"],
            "writes": result.get("writes", 0),
            "sample": result["sample"],
            "cpu_per_1k": cpu_delta(cpu, cpu_after) / requests * 1000,
            "db_cpu_per_1k": cpu_delta(db_cpu, db_cpu_after) / requests * 1000
            if backend == "postgres" else None,
            "statements_per_request": statements / max(graphql, 1),
        }
        before, after = cache_lookups(counters), cache_lookups(counters_after)
        lookups = {k: after[k] - before[k] for k in after}
        total = sum(lookups.values())
        run["hit_pct"] = 100 * lookups["hits"] / total if total else None
        run["stale_max_ms"] = result.get("stale_max_ms")
        log(f"{backend} {name} run {number}: {run['rps']:.0f} req/s, "
            f"p99 {run['p99_ms']:.1f} ms, {run['statements_per_request']:.2f} statements/request, "
            f"{run['failed']} failed")
        if run["failed"]:
            log(f"  first failure: {run['sample']}")
        runs.append(run)
    measured = {"runs": runs, "peak_rss_mb": server.peak_rss_mb()}
    if name in args.open_loop and len(script_args) == 1:
        rate = median(runs, "rps") / 2
        log(f"{backend} {name}: open loop at {rate:.0f} req/s (half the maximum) "
            f"for {args.open_loop_seconds}s")
        result = openloop.run(server.url, script_args[0], rate, args.open_loop_seconds)
        log(f"{backend} {name} open loop: {result['achieved_rps']:.0f} req/s, "
            f"p99 {result['p99_ms']:.1f} ms, {result['failed']} failed")
        if result["failed"]:
            log(f"  first failure: {result['sample']}")
        measured["open_loop"] = result
    return measured


def median(runs, key):
    return statistics.median(run[key] for run in runs)


# ---------------------------------------------------------------- report


def render(results, args, started):
    commit = args.commit or subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip() or "unknown"
    dirty = not args.commit and subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=ROOT, capture_output=True, text=True).stdout.strip()
    cpu_model = next((line.split(":", 1)[1].strip()
                      for line in Path("/proc/cpuinfo").read_text().splitlines()
                      if line.startswith("model name")), "unknown CPU")
    memory = int(Path("/proc/meminfo").read_text().split()[1]) // (1024 * 1024)
    cached = getattr(args, "cache_mb", 0) > 0
    lines = [
        "# Load benchmark" + (f", response cache on (`RESPONSE_CACHE_MB={args.cache_mb}`)"
                              if cached else ""),
        "",
        f"Run {started:%Y-%m-%d %H:%M} UTC on commit `{commit}`{' (with local changes)' if dirty else ''}, "
        f"{os.cpu_count()} cores ({cpu_model}), {memory} GiB RAM; server, database and wrk "
        "share the machine.",
        "",
        f"Command: `{args.command}`",
        "",
        f"Release build, {args.articles:,} generated articles (`toasoan generate --seed 1`). "
        f"wrk at {args.connections} connections, {args.warmup} s warm-up then "
        f"{args.runs} runs of {args.seconds} s per workload; the table gives the median "
        f"run. Pool: {args.pool or 'the server default (4 connections per core)'}. Every request is a POST of a "
        + ("GraphQL document, anonymous reads answered by the response cache when they can be "
           "(no HTTP caching helps); " if cached else
           "GraphQL document (no HTTP caching helps, the response cache is off); ")
        + "a 200 carrying `errors` counts as failed. "
        "The databases are read into the operating system's cache before the runs, and the "
        "server reaches PostgreSQL over loopback without TLS (`bench/run.sh`).",
        "",
        "- **CPU-s/1k**: the API server's CPU seconds (user + system) per 1,000 requests;"
        " **DB CPU-s/1k**: PostgreSQL's processes, the same way (SQLite runs inside the server).",
        "- **Peak RSS**: the server's high-water mark of resident memory during the workload.",
        "- **SQL/request**: statements run by the server per GraphQL request (`GET /metrics`).",
    ]
    if cached:
        lines += [
            "- **hit %**: anonymous reads answered from memory, of all the cache's lookups"
            " (`toasoan_response_cache_*_total`).",
            "- **W6E**: W1's reads while an editor edits the lead of one of the listed"
            " articles every second (each edit purges the home page on every replica).",
        ]
    lines += [
        "",
        "| workload | database | req/s | p50 ms | p95 ms | p99 ms | CPU-s/1k | DB CPU-s/1k "
        "| peak RSS MB | SQL/request | failed |" + (" hit % |" if cached else ""),
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|" + ("---:|" if cached else ""),
    ]
    for name in args.workloads:
        for backend in results:
            r = results[backend].get(name)
            if r is None:
                continue
            runs = r["runs"]
            db_cpu = (f"{median(runs, 'db_cpu_per_1k'):.3f}"
                      if runs[0]["db_cpu_per_1k"] is not None else "—")
            lines.append(
                f"| {name} | {backend} | {median(runs, 'rps'):,.0f} | {median(runs, 'p50_ms'):.2f} "
                f"| {median(runs, 'p95_ms'):.2f} | {median(runs, 'p99_ms'):.2f} "
                f"| {median(runs, 'cpu_per_1k'):.3f} | {db_cpu} | {r['peak_rss_mb']:.0f} "
                f"| {median(runs, 'statements_per_request'):.2f} "
                f"| {sum(run['failed'] for run in runs)} |"
                + (f" {hit_pct(runs)} |" if cached else "")
            )
    if cached:
        return render_cached_targets(lines, results, args)
    lines += ["", "## Targets of issue #6", ""]
    lines += ["| target | database | measured | met |", "|---|---|---|---|"]
    for name, (only, rps, p99) in TARGETS.items():
        for backend in results:
            if (only and backend != only) or name not in results[backend]:
                continue
            runs = results[backend][name]["runs"]
            got_rps, got_p99 = median(runs, "rps"), median(runs, "p99_ms")
            met = got_rps >= rps and (p99 is None or got_p99 < p99)
            wanted = f"{name} ≥ {rps:,} req/s" + (f", p99 < {p99} ms" if p99 else "")
            lines.append(f"| {wanted} | {backend} | {got_rps:,.0f} req/s, p99 {got_p99:.1f} ms "
                         f"| {'yes' if met else '**no**'} |")
    for backend in results:
        peak = max(r["peak_rss_mb"] for r in results[backend].values())
        lines.append(f"| RSS < 150 MB under load | {backend} | {peak:.0f} MB peak "
                     f"| {'yes' if peak < 150 else '**no**'} |")
    lines += render_open_loop(results, args)
    edits = [f"{backend} {sum(run['writes'] for run in results[backend]['W6']['runs']):,} "
             "`updateArticle` calls in the measured runs"
             for backend in results if "W6" in results[backend]]
    if edits:
        lines += ["", "W6 edits: " + ", ".join(edits) + "."]
    notes = HERE / "NOTES.md"
    if notes.exists():
        lines += ["", notes.read_text(encoding="utf-8").rstrip()]
    return "\n".join(lines) + "\n"


def render_open_loop(results, args):
    """The open-loop latency table (issue #20), when any was measured."""
    rows = [(name, backend, results[backend][name]["open_loop"])
            for name in args.workloads for backend in results
            if "open_loop" in results[backend].get(name, {})]
    if not rows:
        return []
    lines = [
        "",
        "## Targets of issue #20 (latency at half the maximum rate, open loop)",
        "",
        "Requests sent at a fixed rate, half the workload's median req/s above, for "
        f"{args.open_loop_seconds} s, whatever the answers do (`bench/openloop.py`); each "
        "latency counts from when its request was due, so waiting behind slow answers counts.",
        "",
        "| workload | database | offered req/s | achieved req/s | p50 ms | p99 ms | p99.9 ms "
        "| max ms | failed | p99 target | met |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for name, backend, r in rows:
        target = OPEN_LOOP_P99_MS.get(name)
        met = "—" if target is None else (
            "yes" if r["p99_ms"] < target and not r["failed"] and not r["late_sends"]
            else "**no**")
        lines.append(
            f"| {name} | {backend} | {r['rate']:,.0f} | {r['achieved_rps']:,.0f} "
            f"| {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['p999_ms']:.2f} | {r['max_ms']:.2f} "
            f"| {r['failed']} | {f'< {target} ms' if target else '—'} | {met} |")
    late = sum(r["late_sends"] for _, _, r in rows)
    if late:
        lines += ["", f"The generator sent {late} requests more than 5 ms late: "
                      "those runs did not offer the rate asked for and are not met."]
    return lines


def hit_pct(runs):
    values = [run.get("hit_pct") for run in runs if run.get("hit_pct") is not None]
    return f"{statistics.median(values):.1f}" if values else "—"


def render_cached_targets(lines, results, args):
    lines += ["", "## Targets of issue #20 (cached)", ""]
    lines += ["| target | database | measured | met |", "|---|---|---|---|"]
    for name, (only, rps, p99) in CACHED_TARGETS.items():
        for backend in results:
            if (only and backend != only) or name not in results[backend]:
                continue
            runs = results[backend][name]["runs"]
            got_rps, got_p99 = median(runs, "rps"), median(runs, "p99_ms")
            met = got_rps >= rps and got_p99 < p99
            lines.append(f"| {name} repeated reads ≥ {rps:,} req/s, p99 < {p99} ms | {backend} "
                         f"| {got_rps:,.0f} req/s, p99 {got_p99:.2f} ms "
                         f"| {'yes' if met else '**no**'} |")
    for backend in results:
        if "W6E" in results[backend]:
            runs = results[backend]["W6E"]["runs"]
            values = [run["hit_pct"] for run in runs if run.get("hit_pct") is not None]
            got = statistics.median(values) if values else 0.0
            writes = sum(run["writes"] for run in runs)
            lines.append(f"| W6E hit ratio ≥ 90 % (an edit per second) | {backend} "
                         f"| {got:.1f} % over {writes} edits | {'yes' if got >= 90 else '**no**'} |")
            stale = max((run.get("stale_max_ms") or 0) for run in runs)
            lines.append(f"| W6E: no answer staler than 1 s after the edit's commit | {backend} "
                         f"| the home page showed each edit within {stale:.0f} ms (worst) "
                         f"| {'yes' if stale < 1000 else '**no**'} |")
        peak = max(r["peak_rss_mb"] for r in results[backend].values())
        lines.append(f"| peak RSS < 200 MB with the default cache | {backend} | {peak:.0f} MB "
                     f"| {'yes' if peak < 200 else '**no**'} |")
    notes = HERE / "CACHED-NOTES.md"
    if notes.exists():
        lines += ["", notes.read_text(encoding="utf-8").rstrip()]
    return "\n".join(lines) + "\n"


PEER_HEADING = "## Peer: PostGraphile"


def section_bounds(text, heading):
    """Where the section under `heading` starts and ends in a Markdown text
    (it ends at the next heading of its level), or None."""
    lines = text.splitlines(keepends=True)
    level = heading.split(" ", 1)[0] + " "
    start = next((i for i, line in enumerate(lines) if line.rstrip() == heading), None)
    if start is None:
        return None
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith(level)),
               len(lines))
    offset = sum(len(line) for line in lines[:start])
    return offset, offset + sum(len(line) for line in lines[start:end])


def replace_section(text, heading, section):
    """`text` with the section under `heading` replaced by `section` (which
    starts with the heading), or with it appended when there was none."""
    bounds = section_bounds(text, heading)
    section = section.rstrip("\n") + "\n"
    if bounds is None:
        return text.rstrip("\n") + "\n\n" + section
    start, end = bounds
    rest = text[end:]
    return text[:start] + section + ("\n" + rest if rest else "")


def write_report(path, report):
    """Writes the report, keeping the sections other benchmarks wrote into
    it (bench/peer.sh's comparison, the import, live and media sections):
    every `## ` section of the old report that this harness does not
    write itself."""
    path = Path(path)
    if path.exists():
        old = path.read_text(encoding="utf-8")
        own = {line.rstrip() for line in report.splitlines() if line.startswith("## ")}
        for heading in [line.rstrip() for line in old.splitlines() if line.startswith("## ")]:
            if heading in own and heading != PEER_HEADING:
                continue
            bounds = section_bounds(old, heading)
            if bounds:
                report = replace_section(report, heading, old[bounds[0]:bounds[1]])
    path.write_text(report, encoding="utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--database", action="append", required=True,
                        help="NAME=URL, once per database (sqlite=…, postgres=…)")
    parser.add_argument("--articles", type=int, required=True)
    parser.add_argument("--workloads", default="W0,W1,W2,W3,W4,W5,W6")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--pool", type=int, default=None,
                        help="DATABASE_MAX_CONNECTIONS (default: the server's, 4 per core)")
    parser.add_argument("--sample", type=int, default=2000)
    parser.add_argument("--cache-mb", type=int, default=0,
                        help="RESPONSE_CACHE_MB of the server (0: uncached, the default)")
    parser.add_argument("--open-loop", default="",
                        help="workloads also run open loop at half their maximum rate "
                             "(bench/openloop.py), e.g. W1,W3")
    parser.add_argument("--open-loop-seconds", type=int, default=20)
    parser.add_argument("--out", default=str(HERE / "out"))
    parser.add_argument("--report", default=str(HERE / "REPORT.md"))
    parser.add_argument("--command", default="bench/run.sh")
    parser.add_argument("--commit", help="the commit measured (with --render-only)")
    parser.add_argument("--render-only", action="store_true",
                        help="rewrite the report from OUT/results.json (after editing NOTES.md)")
    args = parser.parse_args()
    args.workloads = [w.strip() for w in args.workloads.split(",") if w.strip()]
    args.open_loop = [w.strip() for w in args.open_loop.split(",") if w.strip()]
    started = datetime.now(timezone.utc)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    if args.render_only:
        results = json.loads((out / "results.json").read_text())
        started = datetime.fromtimestamp((out / "results.json").stat().st_mtime, timezone.utc)
        write_report(args.report, render(results, args, started))
        return

    results = {}
    failed = 0
    for index, entry in enumerate(args.database):
        backend, url = entry.split("=", 1)
        log(f"{backend}: starting the server")
        settings = {"RESPONSE_CACHE_MB": str(args.cache_mb)}
        server = Server(args.binary, url, 18080 + index, args.pool, out / f"server-{backend}.log",
                        settings=settings)
        try:
            files = prepare(server, out / "requests" / backend, args.sample)
            token = subprocess.run(
                [args.binary, "token", "--sub", "bench-editor", "--role", "editor", "--ttl", "4h"],
                env=dict(os.environ, JWT_SECRET=JWT_SECRET), capture_output=True, text=True,
                check=True).stdout.strip()
            plans = workload_plan(files, args.connections, args.threads)
            results[backend] = {}
            for name in args.workloads:
                results[backend][name] = measure(server, backend, name, plans[name], args, token)
                runs = results[backend][name]["runs"]
                failed += sum(run["failed"] for run in runs)
                failed += results[backend][name].get("open_loop", {}).get("failed", 0)
                if any(run["requests"] == 0 for run in runs):
                    log(f"{backend} {name}: a run completed no request")
                    failed += 1
        finally:
            server.stop()
    (out / "results.json").write_text(json.dumps(results, indent=1))
    report = render(results, args, started)
    write_report(args.report, report)
    print(report)
    if failed:
        log(f"{failed} requests failed")
        sys.exit(1)


if __name__ == "__main__":
    main()
