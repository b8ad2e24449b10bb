"""The Celery app. Each Django app keeps its tasks in `<app>/tasks.py`; they are found here."""

import gc
import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clubsite.settings")

app = Celery("clubsite")
# Every CELERY_* Django setting configures the app; tasks get `delay_on_commit()` from
# Celery's Django task class, which services use so nothing is sent for a rolled-back change.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def load_shared_work_before_forking(**_: object) -> None:
    """Load in the worker's main process what sending email needs, before the pool forks.

    Prefork children share the main process's memory until they write to it. What a child loads
    on its first task (the URL patterns that unsubscribe links are reversed from, the compiled
    email templates, the mail and calendar modules) would otherwise be a private copy in every
    child. No database connection is opened here: a connection must not cross a fork.
    """
    from django.conf import settings
    from django.core.mail.backends import smtp  # noqa: F401
    from django.template.loader import get_template
    from django.urls import get_resolver, reverse

    import events.calendars  # noqa: F401 - the .ics attachment
    import messaging.composing  # noqa: F401

    get_resolver().url_patterns  # noqa: B018 - imports every URLconf and view module
    reverse("messaging:unsubscribe", args=["warm"])  # builds the reverse lookup tables
    for template in sorted((settings.BASE_DIR / "templates/messaging/email").iterdir()):
        get_template(f"messaging/email/{template.name}")
    # Keep the collector off the objects loaded so far: it writes to every object it visits,
    # which would make each child copy the pages they live on (Python's gc.freeze() advice).
    gc.freeze()
