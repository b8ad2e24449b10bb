"""Turn a run's results into the targets verdict, a console table and the Markdown for the docs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

MAX_QUERIES = 12
MAX_UNCACHED_RATIO = 50
MIN_CACHED_THROUGHPUT_SHARE = 1 / 3
RACE_EXPECTED = {"confirmed": 50, "waiting": 150, "errors": 0}
RACE_P95_MS = 200
MIN_FANOUT_SHARE = 0.5
MAX_WORKER_MB = 300
SEARCH_P95_MS = 50
MAX_SEARCH_RAW_RATIO = 3

BEGIN = "<!-- bench:begin (written by `python -m bench --update-docs`) -->"
END = "<!-- bench:end -->"


def _pages(results: dict, key: str) -> dict[str, dict]:
    section = results["sections"].get(key) or {}
    return section.get("pages") or {}


def targets_check(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target with the measured value and met / missed / not measured."""
    checks: list[dict[str, Any]] = []

    def add(target: str, measured: Any, met: bool | None) -> None:
        verdict = "not measured" if met is None else "met" if met else "MISSED"
        checks.append({"target": target, "measured": measured, "verdict": verdict})

    one, ten = _pages(results, "pages_pg_1x"), _pages(results, "pages_pg_10x")
    if one:
        worst = max(one.items(), key=lambda kv: kv[1].get("queries", 0))
        add(
            f"every public page ≤ {MAX_QUERIES} SQL queries",
            f"max {worst[1].get('queries')} ({worst[0]})",
            all(row.get("queries", 99) <= MAX_QUERIES for row in one.values()),
        )
    else:
        add(f"every public page ≤ {MAX_QUERIES} SQL queries", "-", None)
    if one and ten:
        moved = [
            f"{label} {row.get('queries')}→{ten[label].get('queries')}"
            for label, row in one.items()
            if label in ten and row.get("queries") != ten[label].get("queries")
        ]
        add("same query count at 1× and 10×", ", ".join(moved) or "all equal", not moved)
    else:
        add("same query count at 1× and 10×", "-", None)
    for key, engine in (("pages_pg_1x", "PostgreSQL"), ("pages_sqlite_1x", "SQLite")):
        rows = _pages(results, key)
        if rows:
            worst = max(rows.items(), key=lambda kv: kv[1].get("ratio", 0))
            add(
                f"uncached page ≤ {MAX_UNCACHED_RATIO}× bare view ({engine})",
                f"worst {worst[1].get('ratio')}× ({worst[0]})",
                all(row.get("ratio", 1e9) <= MAX_UNCACHED_RATIO for row in rows.values()),
            )
        else:
            add(f"uncached page ≤ {MAX_UNCACHED_RATIO}× bare view ({engine})", "-", None)

    throughput = results["sections"].get("throughput") or {}
    cached, bare = throughput.get("cached") or {}, (throughput.get("bare") or {}).get("rps")
    if cached and bare:
        share = min(row["rps"] for row in cached.values()) / bare
        add("cached throughput ≥ 1/3 of bare", f"worst {share:.2f} of bare", share >= 1 / 3)
    else:
        add("cached throughput ≥ 1/3 of bare", throughput.get("error", "-"), None)

    race = results["sections"].get("race") or {}
    if "outcomes" in race:
        outcomes = {k: race["outcomes"].get(k, 0) for k in RACE_EXPECTED}
        # --quick races fewer people for fewer seats: every seat taken, the rest waiting.
        seats, attempts = race.get("seats", 50), race.get("attempts", 200)
        expected = {"confirmed": seats, "waiting": attempts - seats, "errors": 0}
        ok = outcomes == expected and race["p95_ms"] <= RACE_P95_MS
        add(
            "race 50/150/0 and p95 ≤ 200 ms",
            f"{outcomes['confirmed']}/{outcomes['waiting']}/{outcomes['errors']}, "
            f"p95 {race['p95_ms']} ms",
            ok,
        )
    else:
        add("race 50/150/0 and p95 ≤ 200 ms", _short(race.get("error", "-")), None)

    fanout = results["sections"].get("fanout") or {}
    if "share_of_floor" in fanout:
        ok = fanout["share_of_floor"] >= MIN_FANOUT_SHARE and fanout["worker_peak_mb"] < 300
        add(
            "fan-out ≥ 0.5 of smtplib, worker < 300 MB",
            f"{fanout['share_of_floor']} of floor, {fanout['worker_peak_mb']} MB (PSS, all "
            f"{fanout.get('worker_processes', '?')} processes)",
            ok,
        )
    else:
        add("fan-out ≥ 0.5 of smtplib, worker < 300 MB", _short(fanout.get("error", "-")), None)

    search = results["sections"].get("search_pg_10x") or {}
    if "page" in search:
        p95, ratio = search["page"]["p95_ms"], search["p95_ratio"]
        add(
            f"search p95 ≤ {SEARCH_P95_MS} ms at 10× and ≤ {MAX_SEARCH_RAW_RATIO}× raw SQL",
            f"{p95} ms, {ratio}× raw ({search['case_studies']} case studies)",
            p95 <= SEARCH_P95_MS and ratio <= MAX_SEARCH_RAW_RATIO,
        )
    else:
        add("search p95 ≤ 50 ms at 10× and ≤ 3× raw SQL", _short(search.get("error", "-")), None)
    return checks


def _short(text: str) -> str:
    return text.splitlines()[0][:120] if text else "-"


def _page_rows(results: dict) -> list[list[str]]:
    one, cached = _pages(results, "pages_pg_1x"), _pages(results, "pages_pg_1x_cached")
    ten, lite = _pages(results, "pages_pg_10x"), _pages(results, "pages_sqlite_1x")
    rows = []
    bare = (results["sections"].get("pages_pg_1x") or {}).get("bare") or {}
    bare_lite = (results["sections"].get("pages_sqlite_1x") or {}).get("bare") or {}
    rows.append(
        [
            "bare view (floor)",
            "0",
            "0",
            f"{bare.get('median_ms', '-')}",
            f"{bare.get('p95_ms', '-')}",
            "1",
            "-",
            "-",
            "-",
            f"{bare_lite.get('median_ms', '-')}",
            "1",
        ]
    )
    for label, row in one.items():
        if "median_ms" not in row:
            rows.append([label, f"HTTP {row.get('status')}", *[""] * (len(PAGE_HEADER) - 2)])
            continue
        after = row.get("after_edit") or {}
        rows.append(
            [
                label,
                str(row["queries"]),
                str(ten.get(label, {}).get("queries", "-")),
                str(row["median_ms"]),
                str(row["p95_ms"]),
                str(row["ratio"]),
                str(ten.get(label, {}).get("median_ms", "-")),
                f"{after['median_ms']} ({after['queries']} queries)" if after else "-",
                str(cached.get(label, {}).get("median_ms", "-")),
                str(lite.get(label, {}).get("median_ms", "-")),
                str(lite.get(label, {}).get("ratio", "-")),
            ]
        )
    return rows


PAGE_HEADER = [
    "page",
    "queries 1×",
    "queries 10×",
    "PG median ms",
    "PG p95 ms",
    "PG ×bare",
    "PG 10× median ms",
    "PG after an edit ms",
    "cached median ms",
    "SQLite median ms",
    "SQLite ×bare",
]


def _other_rows(results: dict) -> dict[str, list[list[str]]]:
    sections = results["sections"]
    out: dict[str, list[list[str]]] = {}
    throughput = sections.get("throughput") or {}
    if "bare" in throughput:
        rows = [
            ["bare view", str(throughput["bare"]["rps"]), str(throughput["bare"]["p95_ms"]), "", ""]
        ]
        for label, row in (throughput.get("uncached") or {}).items():
            c = (throughput.get("cached") or {}).get(label, {})
            rows.append(
                [
                    label,
                    str(row["rps"]),
                    str(row["p95_ms"]),
                    str(c.get("rps", "-")),
                    str(c.get("p95_ms", "-")),
                ]
            )
        out["throughput"] = rows
    for key in ("search_pg_1x", "search_pg_10x"):
        s = sections.get(key) or {}
        if "page" in s:
            out.setdefault("search", []).append(
                [str(s["case_studies"]), str(s["page"]["p50_ms"]), str(s["page"]["p95_ms"]),
                 str((s.get("selector") or {}).get("p95_ms", "-")),
                 str(s["raw_sql"]["p50_ms"]), str(s["raw_sql"]["p95_ms"]), str(s["p95_ratio"]),
                 _share_range(s.get("share_matched_by_term") or {})]
            )  # fmt: skip
    seeds = []
    for key in ("seed_pg_1x", "seed_pg_10x", "seed_sqlite_1x"):
        s = sections.get(key) or {}
        if "rows" in s:
            r = s["rows"]
            seeds.append([key.removeprefix("seed_"), str(r["councils"]), str(r["people"]),
                          str(r["exchanges"]), str(r["registrations"]), str(r["case_studies"]),
                          str(s["seconds"])])  # fmt: skip
    out["seed"] = seeds
    return out


def _share_range(shares: dict[str, float | None]) -> str:
    values = sorted(v for v in shares.values() if v is not None)
    if not values:
        return "-"
    return f"{values[0]:.0%} to {values[-1]:.0%} (median {values[len(values) // 2]:.0%})"


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=False)]
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=False))
    body = ["  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=False)) for r in rows]
    return "\n".join([line, "-" * len(line), *body])


def _md(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


THROUGHPUT_HEADER = ["URL", "uncached req/s", "uncached p95 ms", "cached req/s", "cached p95 ms"]
SEARCH_HEADER = [
    "case studies",
    "page p50 ms",
    "page p95 ms",
    "selector p95 ms",
    "raw SQL p50 ms",
    "raw SQL p95 ms",
    "page p95 ×raw",
    "share of library a term matches",
]
RACE_HEADER = [
    "attempts",
    "seats",
    "confirmed",
    "waiting",
    "errors",
    "server p50 ms",
    "server p95 ms",
    "client p95 ms",
]
FANOUT_HEADER = [
    "messages sent",
    "end-to-end msg/s",
    "steady msg/s",
    "smtplib msg/s",
    "share of floor",
    "messages in all",
    "worker peak MB (PSS, all processes)",
    "RSS summed MB",
    "largest process RSS MB",
]
SEED_HEADER = [
    "database",
    "councils",
    "people",
    "Exchanges",
    "registrations",
    "case studies",
    "seconds",
]


def _blocks(results: dict, fmt) -> list[str]:
    other = _other_rows(results)
    blocks = ["Pages (in-process, Django test client)", fmt(PAGE_HEADER, _page_rows(results))]
    if "throughput" in other:
        blocks += [
            "Throughput (gunicorn, 2 workers, loopback)",
            fmt(THROUGHPUT_HEADER, other["throughput"]),
        ]
    race = results["sections"].get("race") or {}
    if "outcomes" in race:
        got = race["outcomes"]
        row = [race["attempts"], race["seats"], got.get("confirmed", 0), got.get("waiting", 0)]
        row += [got.get("errors", 0), race["p50_ms"], race["p95_ms"], race.get("client_p95_ms")]
        blocks += ["Registration race", fmt(RACE_HEADER, [[str(c) for c in row]])]
    fanout = results["sections"].get("fanout") or {}
    if "share_of_floor" in fanout:
        keys = ("sent", "worker_rate", "steady_rate", "floor_rate", "share_of_floor")
        row = [fanout.get(k) for k in keys]
        row += [
            fanout.get("messages"),
            fanout["worker_peak_mb"],
            fanout.get("worker_peak_rss_sum_mb", "-"),
            fanout.get("worker_largest_process_mb"),
        ]
        blocks += ["Invitation fan-out", fmt(FANOUT_HEADER, [[str(c) for c in row]])]
    if "search" in other:
        blocks += [
            "Search (100 queries with facets, PostgreSQL)",
            fmt(SEARCH_HEADER, other["search"]),
        ]
    blocks += ["Seeding", fmt(SEED_HEADER, other["seed"])]
    checks = [[c["target"], str(c["measured"]), c["verdict"]] for c in results.get("targets", [])]
    blocks += ["Targets", fmt(["target", "measured", "verdict"], checks)]
    return blocks


def render_table(results: dict[str, Any]) -> str:
    blocks = _blocks(results, _table)
    return "\n\n".join(f"== {b} ==" if i % 2 == 0 else b for i, b in enumerate(blocks))


def render_markdown(results: dict[str, Any]) -> str:
    m = results["machine"]
    head = [
        f"Run `{results['command']}` on {results['date']} in {results.get('seconds')} s.",
        f"Machine: {m.get('cpu', '?')}, {m.get('cpus')} CPUs, {m.get('memory_gb', '?')} GB, "
        f"{m.get('platform')}; Python {m.get('python')}, Django {m.get('django')}, "
        f"Wagtail {m.get('wagtail')}; load average at the start {m.get('load_average')}.",
    ]
    blocks = _blocks(results, _md)
    body = "\n\n".join(f"**{b}**" if i % 2 == 0 else b for i, b in enumerate(blocks))
    return "\n\n".join(["\n".join(head), body])


def update_docs(path: Path, markdown: str) -> None:
    """Replace the block between the markers in docs/performance.md with this run's tables."""
    text = path.read_text() if path.exists() else f"# Performance\n\n{BEGIN}\n{END}\n"
    block = f"{BEGIN}\n{markdown}\n{END}"
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.DOTALL)
    path.write_text(pattern.sub(lambda _: block, text) if BEGIN in text else f"{text}\n{block}\n")


if __name__ == "__main__":
    # Re-render a saved run: python -m bench.report bench-results/latest.json [--update-docs]
    import json
    import sys

    saved = json.loads(Path(sys.argv[1]).read_text())
    saved["targets"] = targets_check(saved)
    print(render_table(saved))
    if "--update-docs" in sys.argv:
        root = Path(__file__).resolve().parent.parent
        update_docs(root / "docs" / "performance.md", render_markdown(saved))
