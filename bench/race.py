"""Section 3: 200 people register at the same moment for 50 seats, over HTTP through gunicorn."""

from __future__ import annotations

import http.client
import statistics
import threading
import time
import urllib.parse
from datetime import timedelta
from pathlib import Path
from typing import Any

from .pages import percentile

FORM = {"person": "self", "access_needs": "", "dietary_needs": "", "question_answer": ""}


def _race_exchange(*, seats: int):
    """A fresh Exchange open for registration with `seats` seats and no per-council limit."""
    from django.utils import timezone

    from events.factories import ExchangePageFactory
    from events.models import ExchangeIndexPage, ExchangePage

    from .seed import bulk_add_pages

    now = timezone.now()
    page = ExchangePageFactory.build(
        title="The registration race",
        slug=f"bench-race-{time.time_ns()}",
        starts_at=now + timedelta(days=30),
        ends_at=now + timedelta(days=30, hours=6),
        registration_opens_at=now - timedelta(days=1),
        registration_closes_at=now + timedelta(days=29),
        capacity=seats,
        seats_per_council=None,
    )
    bulk_add_pages(ExchangeIndexPage.objects.get(), [page])
    return ExchangePage.objects.get(pk=page.pk)


def _sessions(people: list) -> list[dict[str, str]]:
    """A signed-in session and a CSRF secret for each person, written as login would."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.base import SessionBase
    from django.utils.crypto import get_random_string
    from django.utils.module_loading import import_string

    store: type[SessionBase] = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    out = []
    for person in people:
        csrf = get_random_string(32)
        session = store()
        session[SESSION_KEY] = str(person.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = person.get_session_auth_hash()
        session["_csrftoken"] = csrf  # where CSRF_USE_SESSIONS would look
        session.create()
        session.save()
        out.append(
            {
                "cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}; "
                f"{settings.CSRF_COOKIE_NAME}={csrf}",
                "csrf": csrf,
            }
        )
    return out


def _server_times(log: Path, path: str) -> list[float]:
    """Request durations gunicorn logged for `path` (%(D)s: microseconds inside the server)."""
    times = []
    for line in log.read_text().splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] == path and parts[1] in {"302", "200", "400", "500"}:
            times.append(int(parts[0]) / 1_000_000)
    return times


def measure_race(*, attempts: int = 200, seats: int = 50) -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from events.models import Registration

    from .load import gunicorn, warm

    exchange = _race_exchange(seats=seats)
    # One person from each council in turn, so no council's own limit comes into it.
    people = list(
        get_user_model()
        .objects.filter(memberships__status="approved", email__endswith=".bench.example")
        .order_by("pk")[:attempts]
    )
    if len(people) < attempts:
        raise RuntimeError(f"only {len(people)} approved people to race with")
    sessions = _sessions(people)
    path = reverse("events:register", kwargs={"exchange_id": exchange.pk})
    body = urllib.parse.urlencode(FORM)
    log = Path(__file__).resolve().parent.parent / "var" / "bench" / f"race-{time.time_ns()}.log"
    statuses: list[int] = []
    latencies: list[float] = []
    lock = threading.Lock()

    with gunicorn(access_log=log) as base:
        warm(base, ["/__bench__/bare", exchange.url])
        host, port = base.removeprefix("http://").split(":")
        barrier = threading.Barrier(attempts)

        def one(session: dict[str, str]) -> None:
            conn = http.client.HTTPConnection(host, int(port), timeout=120)
            conn.connect()  # connect first, so the barrier releases only the requests
            barrier.wait()
            started = time.perf_counter()
            try:
                conn.request(
                    "POST",
                    path,
                    body=body,
                    headers={
                        "Cookie": session["cookie"],
                        "X-CSRFToken": session["csrf"],
                        "Content-Type": "application/x-www-form-urlencoded",
                    },
                )
                status = conn.getresponse().status
            except OSError:
                status = 0
            elapsed = time.perf_counter() - started
            conn.close()
            with lock:
                statuses.append(status)
                latencies.append(elapsed)

        threads = [threading.Thread(target=one, args=(s,)) for s in sessions]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
    rows = Registration.objects.filter(exchange=exchange)
    confirmed = rows.filter(status="confirmed").count()
    waiting = rows.filter(status="waiting").count()
    duplicates = rows.count() - rows.values("person").distinct().count()
    codes: dict[str, int] = {}
    for status in statuses:
        codes[str(status)] = codes.get(str(status), 0) + 1
    server = _server_times(log, path)
    return {
        "attempts": attempts,
        "seats": seats,
        "outcomes": {
            "confirmed": confirmed,
            "waiting": waiting,
            "errors": attempts - codes.get("302", 0) + duplicates,
            "duplicates": duplicates,
        },
        "http_statuses": codes,
        # Server time per request (gunicorn's own clock): the target. The client's time also
        # holds the queue for two workers, so it grows with the number of people racing.
        "p50_ms": round(statistics.median(server) * 1000, 1) if server else None,
        "p95_ms": round(percentile(server, 95) * 1000, 1) if server else None,
        "client_p50_ms": round(statistics.median(latencies) * 1000, 1),
        "client_p95_ms": round(percentile(latencies, 95) * 1000, 1),
        "wall_seconds": round(wall, 2),
        "overbooked": confirmed > seats,
    }
