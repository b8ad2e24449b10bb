"""The production stack, run natively on loopback: the Procfile's gunicorn (two workers, DEBUG
off, whitenoise serving collected static), Celery worker and beat, against a fresh PostgreSQL
database and Redis, with mail going over SMTP to a sink. It is what `make prod-local` and the
docker stack run; here it is brought up, used like a visitor would, and taken down again.

The health endpoint's own rules are checked first, in-process, against the real Redis.
"""

import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import pytest
import redis
import requests
from django.conf import settings
from django.core.cache import caches
from django.db.migrations.loader import MigrationLoader

from club.demo import DEMO_EDITOR, DEMO_MEMBER
from home.tasks import HEARTBEAT_KEY, record_heartbeat

ROOT = Path(__file__).resolve().parents[2]
REDIS_DB = 4  # this suite's own Redis database number on the shared server
REDIS_URL = f"redis://127.0.0.1:6379/{REDIS_DB}"
STACK_DB = "club_prodstack_test"
TEMPLATE_DB = "club_prodstack_template"

# Under pytest-xdist these tests share one Redis database number and one PostgreSQL database
# between them, so they all run in the same worker.
pytestmark = pytest.mark.xdist_group("production_stack")


# --- /healthz, in-process ---------------------------------------------------------------------


@pytest.fixture
def redis_configured(settings):
    """Point the cache at this suite's Redis database, as REDIS_URL does in production."""
    settings.REDIS_URL = REDIS_URL
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"healthz-test-{uuid.uuid4().hex}",
        }
    }
    yield
    caches["default"].clear()  # only this test's prefix


@pytest.mark.django_db
def test_healthz_checks_only_the_database_without_redis(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_needs_a_recent_worker_heartbeat(client, redis_configured):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "ok",
        "redis": "ok",
        "worker": "no heartbeat yet",
    }
    # A load balancer asks for the web checks only, which pass without a worker.
    assert client.get("/healthz?scope=web").status_code == 200

    record_heartbeat()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["worker"].startswith("last heartbeat")

    caches["default"].set(HEARTBEAT_KEY, time.time() - settings.HEALTHZ_WORKER_MAX_AGE - 5)
    assert client.get("/healthz").status_code == 503


@pytest.mark.django_db
def test_healthz_reports_redis_down_without_naming_hosts(client, settings, redis_configured):
    import home.views

    port = _free_port()  # nothing listens there
    settings.REDIS_URL = f"redis://127.0.0.1:{port}/0"
    home.views._redis_client = None
    try:
        response = client.get("/healthz?scope=web")
    finally:
        home.views._redis_client = None
    assert response.status_code == 503
    assert response.json()["checks"]["redis"] == "error: ConnectionError"
    assert str(port) not in response.content.decode()


def test_the_heartbeat_is_scheduled():
    entry = settings.CELERY_BEAT_SCHEDULE["health-heartbeat"]
    assert entry["task"] == record_heartbeat.name
    assert entry["schedule"] * 3 <= settings.HEALTHZ_WORKER_MAX_AGE


# --- the whole stack, natively ----------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _admin_conninfo() -> dict:
    db = settings.DATABASES["default"]
    return {
        "host": db.get("HOST") or "127.0.0.1",
        "port": db.get("PORT") or 5432,
        "user": db.get("USER") or "postgres",
        "password": db.get("PASSWORD") or None,
        "dbname": "postgres",
    }


def _database_url(name: str) -> str:
    info = _admin_conninfo()
    auth = info["user"] + (f":{info['password']}" if info["password"] else "")
    return f"postgres://{auth}@{info['host']}:{info['port']}/{name}"


def _migrations_fingerprint() -> str:
    """Names every migration on disk; a template built from other migrations is rebuilt."""
    import hashlib

    names = sorted(f"{app}.{name}" for app, name in MigrationLoader(None).disk_migrations)
    return hashlib.sha256("\n".join(names).encode()).hexdigest()[:32]


def _collected_static(env: dict, logs: Path) -> subprocess.Popen | None:
    """Point STATIC_ROOT at a collectstatic output for exactly these source files.

    Hashing and compressing some 1,500 files costs half a minute of CPU, so the output is kept
    under var/ and made again only when a static file is added, removed or changed.
    """
    import hashlib

    from django.contrib.staticfiles import finders

    digest = hashlib.sha256()
    for finder in finders.get_finders():
        for path, storage in sorted(finder.list(["CVS", ".*", "*~"]), key=lambda e: e[0]):
            stat = os.stat(storage.path(path))
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    cache = ROOT / "var" / "prodstack-static"
    target = cache / digest.hexdigest()[:16]
    env["STATIC_ROOT"] = str(target)
    if (target / "staticfiles.json").exists():
        return None
    shutil.rmtree(cache, ignore_errors=True)  # older outputs
    return _manage(env, logs / "static.log", "collectstatic", "--no-input", "-v0")


def _run(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        args,
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, so teardown ends its children too
    )


def _manage(env: dict, log: Path, *args: str) -> subprocess.Popen:
    return _run([sys.executable, "manage.py", *args], env, log)


def _wait(process: subprocess.Popen, log: Path, timeout: float) -> None:
    assert process.wait(timeout=timeout) == 0, log.read_text()[-3000:]


def _fresh_database(env: dict, logs: Path) -> None:
    """A fresh, migrated database for this run.

    Migrating from nothing takes a minute on a busy machine, so a migrated template is kept and
    copied (PostgreSQL's CREATE DATABASE ... TEMPLATE); it is rebuilt whenever the migrations on
    disk change. `migrate` then runs on the copy as production would, with nothing to apply.
    """
    fingerprint = _migrations_fingerprint()
    with psycopg.connect(**_admin_conninfo(), autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(hashtext('club_prodstack'))")
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [TEMPLATE_DB],
        ).fetchone()
        if row is None or row[0] != fingerprint:
            conn.execute(f'DROP DATABASE IF EXISTS "{TEMPLATE_DB}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{TEMPLATE_DB}"')
            template_env = {**env, "DATABASE_URL": _database_url(TEMPLATE_DB)}
            log = logs / "migrate-template.log"
            _wait(_manage(template_env, log, "migrate", "--no-input"), log, timeout=300)
            conn.execute(f"COMMENT ON DATABASE \"{TEMPLATE_DB}\" IS '{fingerprint}'")
        conn.execute(f'DROP DATABASE IF EXISTS "{STACK_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{STACK_DB}" TEMPLATE "{TEMPLATE_DB}"')
        conn.execute("SELECT pg_advisory_unlock(hashtext('club_prodstack'))")


def _procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip() and not line.startswith("#"))


def _wait_for(url: str, timeout: float, processes: dict, logs: Path) -> requests.Response:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        for name, process in processes.items():
            if process.poll() is not None:
                pytest.fail(f"{name} exited early:\n{(logs / f'{name}.log').read_text()[-3000:]}")
        try:
            last = requests.get(url, timeout=5)
            if last.status_code == 200:
                return last
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    details = last.text if last is not None else "no answer"
    logs_text = "\n".join(
        f"== {name}\n{(logs / f'{name}.log').read_text()[-1500:]}" for name in processes
    )
    pytest.fail(f"{url} not healthy after {timeout}s: {details}\n{logs_text}")


class MailSink:
    """An SMTP server on loopback that keeps what it receives."""

    def __init__(self, port: int):
        from aiosmtpd.controller import Controller

        self.messages: list[dict] = []
        self.controller = Controller(self, hostname="127.0.0.1", port=port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(
            {
                "from": envelope.mail_from,
                "to": list(envelope.rcpt_tos),
                "body": envelope.content.decode("utf-8", "replace"),
            }
        )
        return "250 Message accepted for delivery"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    logs = tmp_path_factory.mktemp("prodstack-logs")
    work = tmp_path_factory.mktemp("prodstack")
    web_port, smtp_port = _free_port(), _free_port()
    password = secrets.token_urlsafe(12)
    base_url = f"http://127.0.0.1:{web_port}"
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    env.update(
        {
            "PATH": f"{Path(sys.executable).parent}:{env.get('PATH', '')}",
            "ENV_FILE": "",
            "DJANGO_SETTINGS_MODULE": "clubsite.settings",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_BASE_URL": base_url,
            "DATABASE_URL": _database_url(STACK_DB),
            "REDIS_URL": REDIS_URL,
            "CACHE_KEY_PREFIX": f"prodstack-{uuid.uuid4().hex[:8]}",
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "DEFAULT_FROM_EMAIL": "Innovation Club <club@example.org>",
            "MEDIA_ROOT": str(work / "media"),
            "CELERY_BEAT_SCHEDULE_FILE": str(work / "celerybeat-schedule"),
            "GUNICORN_BIND": f"127.0.0.1:{web_port}",
            "WEB_CONCURRENCY": "2",
            "DEMO_PASSWORD": password,
            "LOG_FORMAT": "json",
        }
    )
    sink = MailSink(smtp_port)
    sink.controller.start()
    broker = redis.Redis.from_url(REDIS_URL)
    broker.flushdb()  # this suite's own database number: a queue left by an earlier run goes
    processes: dict[str, subprocess.Popen] = {}
    timings: dict[str, float] = {}
    started = time.monotonic()

    def lap(step: str) -> None:
        timings[step] = round(time.monotonic() - started - sum(timings.values()), 1)

    _fresh_database(env, logs)
    lap("database")
    try:
        migrate = _manage(env, logs / "migrate.log", "migrate", "--no-input")
        _wait(migrate, logs / "migrate.log", 120)
        lap("migrate")
        # The demo and the static files are independent: prepare both at once.
        # "--password=…" in one argument: a random password can start with "-", which argparse
        # would otherwise take for an option (one run in 64 failed that way).
        demo = _manage(env, logs / "demo.log", "load_demo", f"--password={password}")
        static = _collected_static(env, logs)
        _wait(demo, logs / "demo.log", 120)
        if static is not None:
            _wait(static, logs / "static.log", 300)
        lap("demo and static")
        for name, command in _procfile().items():
            processes[name] = _run(["bash", "-c", f"exec {command}"], env, logs / f"{name}.log")
        health = _wait_for(f"{base_url}/healthz", 60, processes, logs)
        lap("processes healthy")
        print(f"\nproduction stack up in {sum(timings.values()):.0f}s: {timings}")
        yield {
            "url": base_url,
            "password": password,
            "mail": sink.messages,
            "health": health,
            "processes": processes,
            "logs": logs,
        }
    finally:
        for process in processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        sink.controller.stop()
        broker.flushdb()
        with psycopg.connect(**_admin_conninfo(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{STACK_DB}" WITH (FORCE)')


def _csrf_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, "no CSRF token in the form"
    return match.group(1)


def _sign_in(session: requests.Session, base_url: str, email: str, password: str, next_url="/"):
    form = session.get(f"{base_url}/accounts/login/?next={next_url}", timeout=10)
    assert form.status_code == 200
    return session.post(
        f"{base_url}/accounts/login/?next={next_url}",
        data={
            "csrfmiddlewaretoken": _csrf_token(form.text),
            "login": email,
            "password": password,
        },
        allow_redirects=False,
        timeout=10,
    )


@pytest.mark.postgres_only
def test_the_stack_is_healthy_with_every_process(stack):
    body = stack["health"].json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "redis", "worker"}
    assert set(stack["processes"]) == {"web", "worker", "beat"}
    # gunicorn runs the two workers it was asked for, under one master.
    web_log = (stack["logs"] / "web.log").read_text()
    assert web_log.count("Booting worker with pid") == 2


@pytest.mark.postgres_only
def test_a_page_is_served_with_production_settings(stack):
    response = requests.get(f"{stack['url']}/", timeout=10)
    assert response.status_code == 200
    assert "Innovation Club" in response.text
    assert "Driving Accelerated Transformation" in response.text or "Exchange" in response.text
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    # DEBUG is off: an unknown address gets the plain 404, not Django's debug page.
    missing = requests.get(f"{stack['url']}/no-such-page/", timeout=10)
    assert missing.status_code == 404
    assert "URLconf" not in missing.text and "Traceback" not in missing.text


@pytest.mark.postgres_only
def test_static_files_come_hashed_and_compressed_from_whitenoise(stack):
    page = requests.get(f"{stack['url']}/", timeout=10).text
    match = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page)
    assert match, "the stylesheet is not the hashed name collectstatic wrote"
    response = requests.get(
        stack["url"] + match.group(1), headers={"Accept-Encoding": "gzip"}, timeout=10
    )
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "immutable" in response.headers["Cache-Control"]


@pytest.mark.postgres_only
def test_a_member_signs_in(stack):
    session = requests.Session()
    response = _sign_in(session, stack["url"], DEMO_MEMBER.email, stack["password"])
    assert response.status_code == 302, response.text[:2000]
    assert response.headers["Location"] == "/"
    assert "HttpOnly" in response.headers["Set-Cookie"]
    home = session.get(f"{stack['url']}/", timeout=10)
    assert "Sign out" in home.text


@pytest.mark.postgres_only
def test_the_editor_is_asked_to_set_up_two_factor_before_the_admin(stack):
    session = requests.Session()
    response = _sign_in(session, stack["url"], DEMO_EDITOR.email, stack["password"], "/admin/")
    assert response.status_code == 302
    admin = session.get(f"{stack['url']}/admin/", allow_redirects=False, timeout=10)
    assert admin.status_code == 302
    assert admin.headers["Location"].startswith("/accounts/2fa/totp/activate/")
    assert "'unsafe-inline'" in admin.headers["Content-Security-Policy"]


@pytest.mark.postgres_only
def test_logs_are_json_lines(stack):
    import json

    lines = [
        line
        for line in (stack["logs"] / "worker.log").read_text().splitlines()
        if line.startswith("{")
    ]
    assert lines, "the worker wrote no JSON log lines"
    record = json.loads(lines[0])
    assert {"time", "level", "logger", "message"} <= set(record)


def test_procfile_runs_the_production_processes():
    procfile = _procfile()
    assert set(procfile) == {"web", "worker", "beat"}
    assert shlex.split(procfile["web"])[0] == "gunicorn"
    assert "clubsite/gunicorn.conf.py" in procfile["web"]
    assert "--queues default,mail" in procfile["worker"]
    assert shlex.split(procfile["beat"])[:4] == ["celery", "-A", "clubsite", "beat"]


@pytest.mark.postgres_only
def test_a_member_registers_and_the_confirmation_arrives_by_smtp(stack):
    """The whole path: the form post, the service and its outbox row, the task on Redis, the
    worker sending over SMTP."""
    session = requests.Session()
    assert _sign_in(session, stack["url"], DEMO_MEMBER.email, stack["password"]).status_code == 302
    exchange = session.get(f"{stack['url']}/exchanges/driving-accelerated-transformation/")
    assert exchange.status_code == 200
    action = re.search(r'action="(/events/\d+/register/)"', exchange.text)
    assert action, "no registration form on the open Exchange"
    form = session.get(stack["url"] + action.group(1), timeout=10)
    assert form.status_code == 200
    response = session.post(
        stack["url"] + action.group(1),
        data={
            "csrfmiddlewaretoken": _csrf_token(form.text),
            "person": "self",
            "access_needs": "",
            "dietary_needs": "",
            "question_answer": "Budgets decided with residents.",
        },
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.text[:2000]

    deadline = time.monotonic() + 45
    while time.monotonic() < deadline:
        mine = [m for m in stack["mail"] if DEMO_MEMBER.email in m["to"]]
        if mine:
            break
        time.sleep(0.5)
    else:
        pytest.fail(
            "no confirmation reached the SMTP sink; worker log:\n"
            + (stack["logs"] / "worker.log").read_text()[-3000:]
        )
    assert len(mine) == 1
    assert "Driving Accelerated Transformation" in mine[0]["body"]
    assert "club@example.org" in mine[0]["from"]
