"""Profile one URL in-process with pyinstrument: where a page that misses its target spends time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/club_bench_1x \\
        .venv/bin/python -m bench.step profile --url /exchanges/ --iterations 20 --out x.json

(run `python -m bench --keep` first so the seeded database is still there). Writes the text
profile into the JSON and an HTML one beside it in bench-results/.
"""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench-results"


def profile_url(*, url: str, iterations: int = 20) -> dict[str, Any]:
    from pyinstrument import Profiler

    client = Client(raise_request_exception=False)
    client.get(url)  # warm
    origins: list[str] = []

    def note_origin(execute, sql, params, many, context):
        # The innermost frame of the project's own code that sent this query, or the template.
        stack = traceback.extract_stack()
        own = [f for f in stack if str(ROOT) in f.filename and "/.venv/" not in f.filename]
        own = [f for f in own if "/bench/" not in f.filename]
        where = f"{Path(own[-1].filename).relative_to(ROOT)}:{own[-1].lineno}" if own else "-"
        # Queries sent by Wagtail itself (routing, the site, view restrictions): name its line.
        wagtail = [f for f in stack if "/site-packages/wagtail/" in f.filename]
        if wagtail and (not own or stack.index(wagtail[-1]) > stack.index(own[-1])):
            frame = wagtail[-1]
            where = f"wagtail/{frame.filename.split('/site-packages/wagtail/')[1]}:{frame.lineno}"
        table = sql.split(" FROM ", 1)[1].split()[0].strip('"') if " FROM " in sql else sql[:30]
        origins.append(f"{where} {table}")
        return execute(sql, params, many, context)

    with CaptureQueriesContext(connection), connection.execute_wrapper(note_origin):
        status = client.get(url).status_code
    # Where the queries come from: a repeated origin is an N+1; "-" is Wagtail or Django itself.
    counts: dict[str, int] = {}
    for origin in origins:
        counts[origin] = counts.get(origin, 0) + 1
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
        "queries": len(origins),
        "query_origins": dict(sorted(counts.items(), key=lambda kv: -kv[1])),
        "profile": profiler.output_text(unicode=False, color=False, show_all=False),
    }
