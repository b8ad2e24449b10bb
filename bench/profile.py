"""Profile one URL in-process with pyinstrument: where a page that misses its target spends time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/club_bench_1x \\
        .venv/bin/python -m bench.step profile --url /exchanges/ --iterations 20 --out x.json

(run `python -m bench --keep` first so the seeded database is still there). Writes the text
profile into the JSON and an HTML one beside it in bench-results/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

RESULTS = Path(__file__).resolve().parent.parent / "bench-results"


def profile_url(*, url: str, iterations: int = 20) -> dict[str, Any]:
    from pyinstrument import Profiler

    client = Client(raise_request_exception=False)
    client.get(url)  # warm
    with CaptureQueriesContext(connection) as captured:
        status = client.get(url).status_code
    # The queries, grouped by their SQL shape: repeated shapes are the N+1s.
    shapes: dict[str, int] = {}
    for query in captured.captured_queries:
        shape = query["sql"].split(" WHERE ")[0][:160]
        shapes[shape] = shapes.get(shape, 0) + 1
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(iterations):
        client.get(url)
    profiler.stop()
    RESULTS.mkdir(exist_ok=True)
    name = "profile-" + "".join(c if c.isalnum() else "-" for c in url).strip("-")
    (RESULTS / f"{name or 'profile-home'}.html").write_text(profiler.output_html())
    return {
        "url": url,
        "status": status,
        "queries": len(captured),
        "query_shapes": dict(sorted(shapes.items(), key=lambda kv: -kv[1])[:15]),
        "profile": profiler.output_text(unicode=False, color=False, show_all=False),
    }
