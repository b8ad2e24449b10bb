"""The worker's heartbeat: beat sends it every minute, a worker writes the time into the shared
cache, and /healthz reads it back. A stale heartbeat means beat, the broker or every worker is
stuck, which a check of the web process alone would never show."""

import time

from celery import shared_task
from celery.signals import beat_init
from django.core.cache import cache

HEARTBEAT_KEY = "health:worker-heartbeat"
HEARTBEAT_EVERY = 60.0  # seconds between beats; /healthz allows a few missed ones


@shared_task(ignore_result=True)
def record_heartbeat() -> None:
    """Write the time this worker ran the task (harmless to run twice)."""
    cache.set(HEARTBEAT_KEY, time.time(), timeout=None)


@beat_init.connect
def _beat_started(**_kwargs) -> None:
    # A first beat at once, so a freshly started stack is healthy without waiting a minute.
    record_heartbeat.delay()
