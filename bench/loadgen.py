"""A small closed-loop HTTP load generator: `python -m bench.loadgen URL SECONDS CLIENTS`.

Each of CLIENTS coroutines sends one GET at a time (a new connection each, as gunicorn's sync
workers close them anyway) for SECONDS, then prints JSON: requests, requests/s, p50/p95 ms,
failures. It runs in its own process so its CPU is not charged to the server's. Locust was
tried first and dropped: on this loaded 2-core machine its short headless runs sometimes made
one request in three seconds, so its numbers could not be trusted.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from urllib.parse import urlsplit


async def _one(host: str, port: int, request: bytes) -> int:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(request)
        await writer.drain()
        status_line = await reader.readline()
        await reader.read()  # to the end: the server closes the connection
        return int(status_line.split()[1])
    finally:
        writer.close()


async def run(url: str, seconds: float, clients: int) -> dict:
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {parts.hostname}\r\nConnection: close\r\n"
        "User-Agent: bench-loadgen\r\n\r\n"
    ).encode()
    latencies: list[float] = []
    failures = 0
    statuses: dict[str, int] = {}
    deadline = time.perf_counter() + seconds

    async def client() -> None:
        nonlocal failures
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                status = await _one(parts.hostname, parts.port or 80, request)
            except (OSError, ValueError, IndexError):
                status = 0
            if status == 200:
                latencies.append(time.perf_counter() - started)
            else:
                failures += 1
                statuses[str(status)] = statuses.get(str(status), 0) + 1

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "requests": len(latencies),
        "failures": failures,
        "failure_statuses": statuses,
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 1) if ordered else None,
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 1) if ordered else None,
    }


if __name__ == "__main__":
    target, duration, concurrency = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    print(json.dumps(asyncio.run(run(target, duration, concurrency))))
