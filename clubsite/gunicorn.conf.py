"""gunicorn's settings for production, read from the environment like everything else.

`gunicorn clubsite.wsgi -c clubsite/gunicorn.conf.py` (the Procfile and the Docker image do).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{os.environ.get('PORT', '8000')}"
# Sync workers: the app does its slow work (mail, reminders) in Celery, so requests are short.
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak can never grow without bound.
max_requests = 1000
max_requests_jitter = 100
# Load the app once in the master so workers start fast and share memory.
preload_app = True
# Headers from our own proxies only (comma-separated addresses; "*" inside a private network).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Worker heartbeats in memory, not on a (possibly slow) container disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# Paths without query strings, and the time each request took.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'
# No runtime control socket: nothing uses it, and it would be shared by every instance on a box.
control_socket_disable = True
