"""The Celery app. Each Django app keeps its tasks in `<app>/tasks.py`; they are found here."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clubsite.settings")

app = Celery("clubsite")
# Every CELERY_* Django setting configures the app; tasks get `delay_on_commit()` from
# Celery's Django task class, which services use so nothing is sent for a rolled-back change.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
