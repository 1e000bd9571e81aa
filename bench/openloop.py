"""Open-loop load: POST /graphql requests sent at a fixed rate, whatever
the server's answers do (wrk's closed loop waits for an answer before the
next request, so a slow answer lowers the load and hides its own delay).

Each request is due at `start + i / rate`; its latency is measured from
when it was due, not from when a connection was free to send it, so time
spent waiting behind slow answers counts (no coordinated omission, as in
wrk2). Requests go over a bounded pool of keep-alive connections.

Only the Python standard library: used by bench/harness.py, or alone:

    python3 bench/openloop.py http://127.0.0.1:8080 bodies.jsonl RATE SECONDS
"""

import asyncio
import json
import random
import sys
import time
from urllib.parse import urlsplit

# Connections open at once: enough that a rate of a few hundred requests
# per second with answers of tens of milliseconds never runs out of them
# (when it does, the wait is part of the latency, as it should be).
CONNECTIONS = 64


async def read_response(reader):
    """The status and body of one HTTP/1.1 answer (Content-Length or
    chunked)."""
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("connection closed")
    status = int(status_line.split()[1])
    length, chunked = None, False
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value.strip())
        elif name == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    if chunked:
        parts = []
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            if size == 0:
                await reader.readline()
                break
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)
        return status, b"".join(parts)
    return status, await reader.readexactly(length or 0)


async def worker(url, queue, latencies, failures):
    parts = urlsplit(url)
    host, port = parts.hostname, parts.port or 80
    head = (f"POST {parts.path or '/'} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
            "Content-Type: application/json\r\n"
            "Accept: application/graphql-response+json\r\n").encode()
    reader = writer = None
    while True:
        item = await queue.get()
        if item is None:
            break
        due, body = item
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            writer.write(head + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
            await writer.drain()
            status, payload = await read_response(reader)
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError) as e:
            failures.append(str(e) or type(e).__name__)
            if writer is not None:
                writer.close()
            reader = writer = None
        else:
            if status != 200 or b'"errors"' in payload:
                failures.append(f"{status} {payload[:200]!r}")
        latencies.append(time.perf_counter() - due)
    if writer is not None:
        writer.close()


def percentile(sorted_values, fraction):
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


async def run_async(url, bodies, rate, seconds, seed):
    rng = random.Random(seed)
    queue = asyncio.Queue()
    latencies, failures = [], []
    workers = [asyncio.create_task(worker(url, queue, latencies, failures))
               for _ in range(CONNECTIONS)]
    total = int(rate * seconds)
    start = time.perf_counter() + 0.05
    late_sends = 0
    for i in range(total):
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        elif delay < -0.005:
            # The generator itself fell behind: the load was not what
            # was asked for.
            late_sends += 1
        queue.put_nowait((due, rng.choice(bodies)))
    for _ in workers:
        queue.put_nowait(None)
    await asyncio.gather(*workers)
    elapsed = time.perf_counter() - start
    latencies.sort()
    return {
        "rate": rate,
        "sent": total,
        "achieved_rps": len(latencies) / elapsed,
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "p999_ms": percentile(latencies, 0.999) * 1000,
        "max_ms": (latencies[-1] if latencies else 0.0) * 1000,
        "failed": len(failures),
        "sample": failures[0] if failures else "",
        "late_sends": late_sends,
    }


def run(url, bodies_path, rate, seconds, seed=1):
    """Sends `rate` requests per second for `seconds` to `url`/graphql,
    each a line of `bodies_path` picked at random; returns latency
    percentiles (ms) from each request's due time, and failures."""
    with open(bodies_path, "rb") as f:
        bodies = [line.rstrip(b"\n") for line in f if line.strip()]
    if not bodies:
        raise SystemExit(f"{bodies_path}: no request bodies")
    if rate <= 0 or seconds <= 0:
        raise SystemExit("the rate and the duration must be positive")
    return asyncio.run(run_async(url.rstrip("/") + "/graphql", bodies, rate, seconds, seed))


if __name__ == "__main__":
    if len(sys.argv) != 5:
        raise SystemExit(__doc__)
    print(json.dumps(run(sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]))))
