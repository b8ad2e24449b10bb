"""`python -m bench [--quick]`: make the databases, seed them, run every section, report.

Each section runs in its own process (bench.step) against a database made for this run:
club_bench_tpl (migrated once and kept while no migration changes), club_bench_1x and
club_bench_10x copied from it on PostgreSQL, and a SQLite file under var/bench/ copied from a
migrated template file. The copies are dropped at the end unless --keep is given. A
section whose code has not landed yet (or that fails) is reported as such; the others still run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from .report import render_markdown, render_table, targets_check, update_docs

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench"
RESULTS = ROOT / "bench-results"
SECTIONS = ["pages", "throughput", "race", "fanout", "search"]


def postgres_url(name: str) -> str:
    server = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
    return f"{server.rstrip('/')}/{name}"


def admin_sql(*statements: str) -> None:
    """Run CREATE/DROP DATABASE on the server's maintenance database (autocommit)."""
    import psycopg

    with psycopg.connect(postgres_url("postgres"), autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


class Runner:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.quick = args.quick
        self.results: dict[str, Any] = {}
        self.saving = threading.Lock()
        self.log_dir = WORK / "logs"
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "ENV_FILE": "",
            "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-not-a-secret"),
            "PYTHONUNBUFFERED": "1",
        }
        self.env.pop("REDIS_URL", None)  # set per step: only the sections that need a broker

    def say(self, message: str) -> None:
        print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)

    def python(self, *argv: str, database: str, timeout: float, extra_env: dict | None = None):
        env = {**self.env, "DATABASE_URL": database, **(extra_env or {})}
        log = self.log_dir / f"{argv[0].replace('.', '_')}-{argv[1] if len(argv) > 1 else ''}.log"
        with log.open("a") as out:
            return subprocess.run(  # noqa: S603 - our own interpreter and module
                [sys.executable, *argv], cwd=ROOT, env=env, stdout=out, stderr=out,
                timeout=timeout, check=False,
            )  # fmt: skip

    def step(
        self, key: str, name: str, *options: str, database: str, timeout: float = 600, **env
    ) -> dict:
        out = WORK / f"{name}-{time.time_ns()}.json"
        started = time.perf_counter()
        try:
            self.python(
                "-m", "bench.step", name, "--out", str(out), *options,
                database=database, timeout=timeout, extra_env=env,
            )  # fmt: skip
            result = json.loads(out.read_text()) if out.exists() else {"error": "no result"}
        except subprocess.TimeoutExpired:
            result = {"error": f"timed out after {timeout:.0f} s"}
        result["step_seconds"] = round(time.perf_counter() - started, 1)
        if "error" in result:
            self.say(f"  {name}: {result['error'].splitlines()[0]}")
        self.results["sections"][key] = result
        self.save_partial()
        return result

    def save_partial(self) -> None:
        """After every step, so a run stopped half-way still leaves what it measured."""
        RESULTS.mkdir(exist_ok=True)
        with self.saving:  # the two template builds finish on their own threads
            snapshot = {**self.results, "partial": True}
            (RESULTS / "partial.json").write_text(json.dumps(snapshot, indent=2, default=str))

    def migrate(self, database: str) -> None:
        self.python("manage.py", "migrate", "--no-input", "-v0", database=database, timeout=900)

    # --- the template databases ---------------------------------------------------------------

    def build_templates(self, fingerprint: str, sqlite_template: Path | None) -> None:
        """Build what is missing or out of date, the PostgreSQL and SQLite templates side by side.

        Nothing is measured while they build, so running both at once costs no accuracy and
        saves the shorter one's time (a fresh clone's --quick run needs both).
        """
        builds = []
        if self.args.fresh or template_fingerprint() != fingerprint:
            builds.append(partial(self.build_postgres_template, fingerprint))
        else:
            self.say("PostgreSQL: reusing the template database (migrations and demo unchanged)")
        if sqlite_template is not None and (self.args.fresh or not sqlite_template.exists()):
            builds.append(partial(self.build_sqlite_template, sqlite_template))
        with ThreadPoolExecutor(max_workers=2) as pool:
            for build in [pool.submit(build) for build in builds]:
                build.result()

    def build_postgres_template(self, fingerprint: str) -> None:
        self.say("PostgreSQL: migrating a template database and loading the demo tree (kept)")
        admin_sql(*drop_statements(), "CREATE DATABASE club_bench_tpl")
        tpl = postgres_url("club_bench_tpl")
        self.migrate(tpl)
        demo = self.step("template_pg", "demo", database=tpl, timeout=600)
        if "error" in demo:
            raise SystemExit(f"loading the demo tree failed: {demo['error']}")
        # Only a complete template is marked; a run stopped half-way builds it again.
        admin_sql(f"COMMENT ON DATABASE club_bench_tpl IS '{fingerprint}'")

    def build_sqlite_template(self, template: Path) -> None:
        self.say("SQLite: migrating a template file and loading the demo tree (kept)")
        for old in WORK.glob("template-*.sqlite3*"):
            old.unlink()
        building = WORK / "template-building.sqlite3"
        building.unlink(missing_ok=True)
        self.migrate(f"sqlite:///{building}")
        demo = self.step("template_sqlite", "demo", database=f"sqlite:///{building}")
        if "error" in demo:
            raise SystemExit(f"loading the demo tree into SQLite failed: {demo['error']}")
        building.rename(template)  # only a complete template gets its name

    # --- the run ----------------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        args, quick = self.args, self.quick
        scale = "quick" if quick else "full"
        only = set(args.only.split(",")) if args.only else set(SECTIONS)
        # --quick is a smoke run (under 3 minutes once the templates exist): small data, a few
        # iterations, short budgets. Its numbers are noisier; the full run is the measurement.
        iterations = "4" if quick else "40"  # rounds of every page (bench.pages)
        searches = "12" if quick else "100"
        search_budget = "15" if quick else "150"  # seconds; the queries run are reported
        started = time.perf_counter()
        self.results = {
            "command": "make bench" + (" ARGS=--quick" if quick else ""),
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": machine(),
            "quick": quick,
            "sections": {},
        }
        sections = self.results["sections"]
        redis = {"REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")}

        if static_is_current():
            self.say("static files: the collected manifest is newer than every source, reused")
        else:
            self.say("collecting static files (manifest storage, as in production)")
            self.python("manage.py", "collectstatic", "--no-input", "-v0",
                        database="sqlite:///:memory:", timeout=300)  # fmt: skip

        fingerprint = template_fingerprint_wanted()
        admin_sql(*drop_statements(template=False))
        sqlite_template = WORK / f"template-{fingerprint[:16]}.sqlite3"
        self.build_templates(fingerprint, sqlite_template if "pages" in only else None)

        # PostgreSQL at 1×: every section.
        admin_sql("CREATE DATABASE club_bench_1x TEMPLATE club_bench_tpl")
        db1 = postgres_url("club_bench_1x")
        self.say(f"PostgreSQL 1×: seeding ({scale})")
        sections["seed_pg_1x"] = self.step(
            "seed_pg_1x", "seed", "--scale", scale, "--skip-demo", database=db1, timeout=900
        )
        if "pages" in only:
            self.say("PostgreSQL 1×: pages, uncached and with the page cache")
            sections["pages_pg_1x"] = self.step(
                "pages_pg_1x", "pages", "--iterations", iterations, database=db1
            )
            sections["pages_pg_1x_cached"] = self.step(
                "pages_pg_1x_cached", "pages", "--iterations", iterations, "--cache", database=db1
            )
        if "search" in only:
            self.say("PostgreSQL 1×: search")
            sections["search_pg_1x"] = self.step(
                "search_pg_1x",
                "search",
                "--count",
                searches,
                "--seconds",
                search_budget,
                database=db1,
            )
        if "throughput" in only:
            self.say("PostgreSQL 1×: throughput under gunicorn")
            sections["throughput"] = self.step(
                "throughput",
                "throughput",
                "--seconds",
                # Quick: a second per URL (about 60 uncached requests each) keeps the whole
                # smoke run, templates built from scratch included, under 3 minutes.
                "1" if quick else "8",
                database=db1,
                timeout=900,
            )
        if "race" in only:
            self.say("PostgreSQL 1×: registration race")
            race = ["--attempts", "40", "--seats", "10"] if quick else []
            sections["race"] = self.step("race", "race", *race, database=db1, timeout=300, **redis)
        if "fanout" in only:
            people = "1000" if quick else "20000"
            self.say(f"PostgreSQL 1×: invitation fan-out to {people} people")
            # A time budget, not a count: at a few messages a second 20,000 would take most of
            # an hour. The rate over the budget is reported with how many were sent.
            budget = "30" if quick else "180"
            sections["fanout"] = self.step(
                "fanout", "fanout", "--count", people, "--seconds", budget,
                database=db1, timeout=900, **redis,
            )  # fmt: skip

        # PostgreSQL at 10×: the query counts must not move; search at 50,000.
        if only & {"pages", "search"}:
            admin_sql("CREATE DATABASE club_bench_10x TEMPLATE club_bench_tpl")
            db10 = postgres_url("club_bench_10x")
            self.say(f"PostgreSQL 10×: seeding ({scale} × 10)")
            sections["seed_pg_10x"] = self.step(
                "seed_pg_10x",
                "seed",
                "--scale",
                scale,
                "--factor",
                "10",
                "--skip-demo",
                database=db10,
                timeout=1800,
            )
            if "pages" in only:
                self.say("PostgreSQL 10×: pages")
                sections["pages_pg_10x"] = self.step(
                    "pages_pg_10x", "pages", "--iterations", "2" if quick else "20", database=db10
                )
            if "search" in only:
                self.say("PostgreSQL 10×: search")
                sections["search_pg_10x"] = self.step(
                    "search_pg_10x",
                    "search",
                    "--count",
                    searches,
                    "--seconds",
                    search_budget,
                    database=db10,
                )

        # SQLite at 1×: the embedded default must hold the same page budget.
        if "pages" in only:
            sqlite_file = WORK / "club_bench_1x.sqlite3"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{sqlite_file}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(sqlite_template, sqlite_file)
            dbs = f"sqlite:///{sqlite_file}"
            self.say("SQLite 1×: seeding")
            sections["seed_sqlite_1x"] = self.step(
                "seed_sqlite_1x", "seed", "--scale", scale, "--skip-demo", database=dbs
            )
            self.say("SQLite 1×: pages")
            sections["pages_sqlite_1x"] = self.step(
                "pages_sqlite_1x", "pages", "--iterations", iterations, database=dbs
            )

        if not args.keep:
            admin_sql(*drop_statements(template=False))
            for suffix in ("", "-wal", "-shm"):
                Path(f"{WORK / 'club_bench_1x.sqlite3'}{suffix}").unlink(missing_ok=True)
        self.results["seconds"] = round(time.perf_counter() - started, 1)
        self.results["targets"] = targets_check(self.results)
        return self.results


def drop_statements(*, template: bool = True) -> list[str]:
    names = ["club_bench_1x", "club_bench_10x"] + (["club_bench_tpl"] if template else [])
    return [f"DROP DATABASE IF EXISTS {name} WITH (FORCE)" for name in names]


# What the template databases hold: the schema and the demo loader's tree. When any of these
# files changes, the templates are built again; `--fresh` builds them regardless.
TEMPLATE_SOURCES = [
    "uv.lock",
    "*/migrations/*.py",
    "*/demo.py",
    "*/management/commands/load_demo.py",
]


def template_fingerprint_wanted() -> str:
    """Changes when a migration, the demo loader or the locked dependencies change."""
    digest = hashlib.sha256()
    for pattern in TEMPLATE_SOURCES:
        for path in sorted(ROOT.glob(pattern)):
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def static_is_current() -> bool:
    """True when collected static files exist and no source of them changed since."""
    manifest = WORK / "static" / "staticfiles.json"
    if not manifest.exists():
        return False
    collected = manifest.stat().st_mtime
    sources = [ROOT / "uv.lock", ROOT / "package-lock.json"]
    for folder in [ROOT / "static", *ROOT.glob("*/static")]:
        sources += [p for p in folder.rglob("*") if p.is_file()]
    return all(p.stat().st_mtime < collected for p in sources if p.exists())


def template_fingerprint() -> str | None:
    import psycopg

    with psycopg.connect(postgres_url("postgres"), autocommit=True) as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database"
            " WHERE datname = 'club_bench_tpl'"
        ).fetchone()
    return row[0] if row else None


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "host": platform.node(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        mem = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
        info["memory_gb"] = round(int(mem) / 1024 / 1024, 1)
    except OSError:
        pass
    try:
        import django
        import wagtail

        info["django"], info["wagtail"] = django.get_version(), wagtail.__version__
    except ImportError:
        pass
    return info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small scale, short runs (< 3 min)")
    parser.add_argument(
        "--only", default="", help=f"comma-separated sections: {','.join(SECTIONS)}"
    )
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    parser.add_argument(
        "--fresh", action="store_true", help="build the template databases again regardless"
    )
    parser.add_argument(
        "--update-docs", action="store_true", help="write the table into docs/performance.md"
    )
    args = parser.parse_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    results = Runner(args).run()
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    for path in (RESULTS / f"bench-{stamp}.json", RESULTS / "latest.json"):
        path.write_text(json.dumps(results, indent=2, default=str))
    markdown = render_markdown(results)
    (RESULTS / "latest.md").write_text(markdown)
    print(render_table(results))
    print(f"\nWrote {RESULTS / f'bench-{stamp}.json'} and bench-results/latest.md "
          f"in {results['seconds']} s.")  # fmt: skip
    if args.update_docs:
        update_docs(ROOT / "docs" / "performance.md", markdown)
        print("Updated docs/performance.md.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
