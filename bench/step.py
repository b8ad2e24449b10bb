"""One measurement step in its own process: `python -m bench.step NAME --out FILE [options]`.

The runner (bench/__main__.py) starts each step with DATABASE_URL pointing at the database it
made for it, so every step gets a fresh Django set up on the right database and settings.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.step")
    parser.add_argument(
        "name",
        choices=["demo", "seed", "pages", "search", "throughput", "race", "fanout", "profile"],
    )
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--scale", default="quick", choices=["tiny", "quick", "full"])
    parser.add_argument("--factor", type=int, default=1)
    parser.add_argument("--skip-demo", action="store_true", help="the database has the demo tree")
    parser.add_argument("--attempts", type=int, default=200)
    parser.add_argument("--seats", type=int, default=50)
    parser.add_argument("--iterations", type=int, default=30)
    parser.add_argument("--cache", action="store_true")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--url", default="")
    args = parser.parse_args(argv)

    import django

    django.setup()
    try:
        result = run(args)
    except Exception as error:  # noqa: BLE001 - a failed step is reported, the run goes on
        result = {"error": f"{type(error).__name__}: {error}", "traceback": traceback.format_exc()}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, default=str))
    return 1 if "error" in result else 0


def run(args: argparse.Namespace) -> dict:
    from . import seed as seeding

    if args.name == "demo":
        return seeding.load_demo_tree()
    if args.name == "seed":
        scale = {"tiny": seeding.TINY, "quick": seeding.QUICK, "full": seeding.FULL}[args.scale]
        return seeding.seed(scale=scale.times(args.factor), demo=not args.skip_demo)
    if args.name == "pages":
        from .pages import measure_pages

        return measure_pages(iterations=args.iterations, with_cache=args.cache)
    if args.name == "search":
        from .pages import measure_search

        return measure_search(count=args.count, budget=args.seconds)
    if args.name == "throughput":
        from .load import measure_throughput

        return measure_throughput(seconds=args.seconds)
    if args.name == "race":
        from .race import measure_race

        return measure_race(attempts=args.attempts, seats=args.seats)
    if args.name == "fanout":
        from .fanout import measure_fanout

        return measure_fanout(people=args.count, timeout=args.seconds)
    if args.name == "profile":
        from .profile import profile_url

        return profile_url(url=args.url, iterations=args.iterations)
    raise ValueError(args.name)


if __name__ == "__main__":
    sys.exit(main())
