"""Section 2: requests per second under gunicorn (2 workers) on loopback (bench.loadgen)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Any

BIN = Path(sys.executable).parent
USERS = 8  # concurrent clients: enough to keep two sync workers busy


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(
    *,
    page_cache: bool = False,
    workers: int = 2,
    extra_env: dict | None = None,
    access_log: Path | None = None,
):
    """gunicorn serving the site with the bench settings; yields its base URL.

    With `access_log`, each request is logged as "<microseconds> <status> <path>".
    """
    port = free_port()
    logging = ["--access-logfile", str(access_log), "--access-logformat", "%(D)s %(s)s %(U)s"]
    env = {**os.environ, "BENCH_PAGE_CACHE": "1" if page_cache else "0", **(extra_env or {})}
    process = subprocess.Popen(  # noqa: S603 - our own virtualenv's gunicorn
        [str(BIN / "gunicorn"), "clubsite.wsgi:application", "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", *(logging if access_log else [])],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/__bench__/bare", timeout=2):  # noqa: S310
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def warm(base: str, paths: list[str], rounds: int = 2) -> None:
    """First requests load Django's URLconf and templates in each worker: keep them out."""
    for _ in range(rounds):
        for path in paths:
            try:
                with urllib.request.urlopen(f"{base}{path}", timeout=60):  # noqa: S310
                    pass
            except OSError:
                pass


def load(*, base: str, path: str, seconds: float) -> dict[str, Any]:
    """Run bench.loadgen against one path in its own process and return its numbers."""
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "bench.loadgen", f"{base}{path}", str(seconds), str(USERS)],
        capture_output=True, text=True, timeout=seconds + 120, check=True,
    )  # fmt: skip
    return json.loads(done.stdout)


def throughput_targets() -> dict[str, str]:
    """Home, the Exchange index, the filtered case-study index and search."""
    from .pages import page_targets

    wanted = {
        "HomePage": "home",
        "ExchangeIndexPage": "Exchange index",
        "CaseStudyIndexPage filtered": "case studies, filtered",
        "site search": "search",
    }
    return {wanted[label]: url for label, url in page_targets() if label in wanted}


def measure_throughput(*, seconds: float) -> dict[str, Any]:
    from django.core.cache import cache

    targets = throughput_targets()
    results: dict[str, Any] = {"users": USERS, "seconds": seconds, "workers": 2}
    for cached in (False, True):
        cache.clear()
        with gunicorn(page_cache=cached) as base:
            warm(base, ["/__bench__/bare", *targets.values()])
            key = "cached" if cached else "uncached"
            # The floor: the bare view on the site's own middleware (the uncached server).
            bare = load(base=base, path="/__bench__/bare", seconds=seconds)
            results["bare" if not cached else "bare_behind_page_cache"] = bare
            results[key] = {
                label: {"url": url, **load(base=base, path=url, seconds=seconds)}
                for label, url in targets.items()
            }
    return results
