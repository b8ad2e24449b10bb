"""Section 4: an Exchange opens and every eligible member is invited, end to end.

The real path: the fan-out task on Redis, one Celery worker started as Procfile and
docker/compose.yaml start it (prefork, one child per CPU: two here), writing outbox rows in
batches and delivering them in batches over one SMTP connection each to an aiosmtpd sink on
loopback. The floor is a plain smtplib loop sending the same messages to the same sink.
"""

from __future__ import annotations

import os
import smtplib
import subprocess
import sys
import threading
import time
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from .load import free_port

BIN = Path(sys.executable).parent
BOOT_ALLOWANCE = 120  # seconds for the worker to start and the first message to go out
ROOT = Path(__file__).resolve().parent.parent


def _wait_for_port(port: int, timeout: float = 30) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listening on {port}")


def _wait_for_ready(log: Path, timeout: float = BOOT_ALLOWANCE) -> None:
    """Celery logs "celery@host ready." once its pool is up and it consumes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.exists() and " ready." in log.read_text(errors="replace"):
            return
        time.sleep(0.3)
    raise RuntimeError("the Celery worker did not become ready")


class MemoryWatch(threading.Thread):
    """Samples the memory of a process and all its children until stopped.

    Two sums over every process of the worker: resident set size (RSS), which counts a page
    the prefork children share with their parent once per process, and proportional set size
    (PSS), which splits each shared page between the processes sharing it, so the sum is the
    memory the worker really holds. The target is checked on the PSS sum; both are reported.
    """

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_total = 0
        self.peak_pss_total = 0
        self.peak_process = 0
        self.processes = 0
        self.running = True

    def run(self) -> None:
        import psutil

        root = psutil.Process(self.pid)
        while self.running:
            try:
                processes = [root, *root.children(recursive=True)]
                infos = [p.memory_full_info() for p in processes]
            except psutil.Error:
                infos = []
            if infos:
                self.processes = max(self.processes, len(infos))
                self.peak_total = max(self.peak_total, sum(i.rss for i in infos))
                self.peak_pss_total = max(self.peak_pss_total, sum(i.pss for i in infos))
                self.peak_process = max(self.peak_process, max(i.rss for i in infos))
            time.sleep(0.5)


def _opening_exchange():
    from django.utils import timezone

    from events.factories import ExchangePageFactory
    from events.models import ExchangeIndexPage, ExchangePage

    from .seed import bulk_add_pages

    now = timezone.now()
    page = ExchangePageFactory.build(
        title="The fan-out Exchange",
        slug=f"bench-fan-out-{time.time_ns()}",
        summary="Leaders meet to compare how their councils invite and register people.",
        starts_at=now + timedelta(days=40),
        ends_at=now + timedelta(days=40, hours=6),
        registration_opens_at=now - timedelta(minutes=1),
        registration_closes_at=now + timedelta(days=39),
        audience="both",
    )
    bulk_add_pages(ExchangeIndexPage.objects.get(), [page])
    return ExchangePage.objects.get(pk=page.pk)


def _floor(port: int, messages: list[EmailMessage]) -> float:
    """Messages per second from one smtplib connection sending them all in a loop."""
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for message in messages:
            smtp.send_message(message)
    return len(messages) / (time.perf_counter() - started)


def measure_fanout(*, people: int, timeout: float = 900) -> dict[str, Any]:
    import redis
    from django.conf import settings
    from django.db.models import Count, Max, Min

    from messaging.models import FanOut, OutboxMessage
    from messaging.tasks import fan_out_invitations

    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()  # the benchmark's own DB number
    exchange = _opening_exchange()
    port = free_port()
    env = {**os.environ, "BENCH_SMTP_PORT": str(port)}
    worker_log = ROOT / "var" / "bench" / "worker.log"
    sink = subprocess.Popen(  # noqa: S603 - our own virtualenv
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
         "-c", "aiosmtpd.handlers.Sink"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    worker = subprocess.Popen(  # noqa: S603 - our own virtualenv
        [str(BIN / "celery"), "-A", "clubsite", "worker", "--queues", "default,mail",
         "--loglevel", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        env=env, cwd=ROOT, stdout=worker_log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    watch = MemoryWatch(worker.pid)
    try:
        _wait_for_port(port)
        watch.start()
        _wait_for_ready(worker_log)
        rows = OutboxMessage.objects.filter(exchange=exchange, kind__contains="invitation")
        started = time.perf_counter()
        fan_out_invitations.delay(exchange.pk)
        expected = None
        sent = 0
        first_sent_at = None  # the clock for the budget starts at the first delivery
        while time.perf_counter() - started < timeout + BOOT_ALLOWANCE:
            time.sleep(0.5)
            if expected is None:
                done = FanOut.objects.filter(exchange=exchange, finished_at__isnull=False).first()
                expected = done.messages_queued if done else None
            sent = rows.filter(status="sent").count()
            if sent and first_sent_at is None:
                first_sent_at = time.perf_counter()
            if expected is not None and sent >= expected:
                break
            if first_sent_at is not None and time.perf_counter() - first_sent_at > timeout:
                break
        elapsed = time.perf_counter() - started
    finally:
        watch.running = False
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
    statuses = dict(rows.values_list("status").annotate(n=Count("pk")))
    # The floor: the very same messages, by smtplib, to the same sink.
    emails = []
    # The same messages as went out: subject, bodies and the headers each carried (the
    # Message-ID, the correlation id, List-Unsubscribe), so both sides put the same bytes on
    # the wire. Built before the clock starts; smtplib still formats each when it sends.
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].rstrip(">") or "localhost"
    for subject, to, text, html, headers, correlation in rows.values_list(
        "subject", "to_email", "body_text", "body_html", "headers", "correlation_id"
    ):
        message = EmailMessage()
        message["Subject"], message["From"], message["To"] = (
            subject,
            settings.DEFAULT_FROM_EMAIL,
            to,
        )
        message["Message-ID"] = f"<{correlation}@{domain}>"
        message["X-Club-Correlation-ID"] = str(correlation)
        message["Auto-Submitted"] = "auto-generated"
        for name, value in (headers or {}).items():
            message[name] = value
        message.set_content(text)
        if html:
            message.add_alternative(html, subtype="html")
        emails.append(message)
    floor_rate = _floor(port, emails) if emails else 0.0
    sink.terminate()
    sink.wait(timeout=10)
    # End to end: from the task being queued to the last message accepted by the sink, over
    # the messages sent (all of them, unless the time budget ran out first).
    last_sent_at = rows.filter(status="sent").aggregate(last=Max("sent_at"))["last"]
    worker_rate = sent / elapsed if elapsed else 0.0
    steady_rate = None
    first = rows.filter(status="sent").aggregate(first=Min("sent_at"))["first"]
    if first and last_sent_at and sent > 1 and last_sent_at > first:
        steady_rate = (sent - 1) / (last_sent_at - first).total_seconds()
    return {
        "recipients_seeded": people,
        "messages": expected,
        "sent": sent,
        "statuses": statuses,
        "seconds": round(elapsed, 1),
        "finished": expected is not None and sent >= expected,
        "worker_rate": round(worker_rate, 1),
        "steady_rate": round(steady_rate, 1) if steady_rate else None,
        "seconds_to_first_message": (
            round(first_sent_at - started, 1) if first_sent_at is not None else None
        ),
        "projected_minutes_for_all": (
            round(expected / worker_rate / 60, 1) if expected and worker_rate else None
        ),
        "floor_rate": round(floor_rate, 1),
        "share_of_floor": round(worker_rate / floor_rate, 3) if floor_rate else None,
        # The worker as Procfile and docker/compose.yaml run it: prefork, one child per CPU.
        "worker_pool": f"prefork, {os.cpu_count()} children",
        "worker_processes": watch.processes,
        "worker_peak_mb": round(watch.peak_pss_total / 1024 / 1024, 1),
        "worker_peak_rss_sum_mb": round(watch.peak_total / 1024 / 1024, 1),
        "worker_largest_process_mb": round(watch.peak_process / 1024 / 1024, 1),
    }
