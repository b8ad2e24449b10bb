"""A real Redis and a real Celery worker (a subprocess), steerable, for integration tests."""

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis
from django.conf import settings
from django.db import connection
from kombu import pools as kombu_pools

from clubsite.celery import app as celery_app

from .smtp import free_port

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))


def wait_for(predicate, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout}s waiting for {what}")


class RedisServer:
    """Our own redis-server on a free port: these tests stop and start it."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)
        wait_for(lambda: _pings(client), 10, "redis-server to answer")
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None


def _pings(client) -> bool:
    try:
        return client.ping()
    except redis.exceptions.ConnectionError:
        return False


def database_url() -> str:
    """The pytest database (test_club_messaging), for the worker to share."""
    db = connection.settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise RuntimeError("The worker shares the test database only on PostgreSQL")
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """`celery -A clubsite worker` in its own process group, so SIGKILL takes all of it."""

    def __init__(self, *, redis_url: str, smtp_url: str, extra_env: dict | None = None) -> None:
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "clubsite.settings",
            "ENV_FILE": "",
            "SECRET_KEY": settings.SECRET_KEY,
            "DATABASE_URL": database_url(),
            "DATABASE_CONN_MAX_AGE": "0",
            "REDIS_URL": redis_url,
            "EMAIL_URL": smtp_url,
            "ANYMAIL_BACKEND": "",
            "SITE_BASE_URL": settings.SITE_BASE_URL,
            "MESSAGING_RETRY_BASE_SECONDS": "1",
            "MESSAGING_SENDING_TIMEOUT": "3",
            "MESSAGING_REDISPATCH_AFTER": "1",
            "LOG_LEVEL": "INFO",
            **(extra_env or {}),
        }
        self.process: subprocess.Popen | None = None
        handle, name = tempfile.mkstemp(prefix="messaging-worker-", suffix=".log")
        os.close(handle)
        self.log_path = Path(name)

    def start(self) -> "Worker":
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    CELERY,
                    "-A",
                    "clubsite",
                    "worker",
                    "--queues",
                    "default,mail",
                    "--concurrency",
                    "2",
                    "--loglevel",
                    "INFO",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "--hostname",
                    f"messaging-test-{os.getpid()}-{time.monotonic_ns()}@%h",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for(
            lambda: b" ready." in self.output() or self.process.poll() is not None,
            60,
            "the worker to be ready",
        )
        assert self.process.poll() is None, self.output().decode()[-3000:]
        return self

    def output(self) -> bytes:
        return self.log_path.read_bytes()

    def kill(self) -> None:
        """SIGKILL the worker and its pool processes at once: no clean-up, no acks."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()
        self.process = None
        self.log_path.unlink(missing_ok=True)


def use_broker(url: str | None) -> None:
    """Point this (test) process's Celery at a real broker, or back to eager mode."""
    if url:
        celery_app.conf.update(broker_url=url, task_always_eager=False)
    else:
        celery_app.conf.update(broker_url="memory://", task_always_eager=True)
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
        celery_app._pool = None
    celery_app.amqp._producer_pool = None
    # kombu keeps its pools in global registries keyed by broker URL: a closed memory:// pool
    # left there would fail the next eager task of a later test ("Acquire on closed pool").
    kombu_pools.reset()
