"""Feedback after an Exchange: who may give it, until when, and saving it."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from club.models import User
from events.models import ExchangePage

from .models import FeedbackResponse

FEEDBACK_OPEN_DAYS = 21


def feedback_url(*, exchange: ExchangePage) -> str:
    return settings.SITE_BASE_URL + reverse("messaging:feedback", args=[exchange.pk])


def feedback_closes_at(*, exchange: ExchangePage) -> datetime:
    """Feedback is open from the end of the Exchange for three weeks."""
    return exchange.ends_at + timedelta(days=FEEDBACK_OPEN_DAYS)


def feedback_is_open(*, exchange: ExchangePage, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return exchange.ends_at <= now < feedback_closes_at(exchange=exchange)


def person_may_give_feedback(*, exchange: ExchangePage, person: User) -> bool:
    """Those with a confirmed place; once attendance is taken, only those checked in."""
    from events.models import Registration

    confirmed = Registration.objects.filter(exchange=exchange, status="confirmed")
    if confirmed.filter(attended_at__isnull=False).exists():
        confirmed = confirmed.filter(attended_at__isnull=False)
    return confirmed.filter(person=person).exists()


class FeedbackClosed(Exception):
    pass


@transaction.atomic
def feedback_save(
    *, exchange: ExchangePage, person: User, rating: int, most_useful: str, what_next: str
) -> FeedbackResponse:
    """Create or change the person's one response, while feedback is open."""
    if not feedback_is_open(exchange=exchange):
        raise FeedbackClosed("Feedback for this Exchange is closed.")
    response, _ = FeedbackResponse.objects.select_for_update().update_or_create(
        exchange=exchange,
        person=person,
        defaults={
            "rating": rating,
            "most_useful": most_useful.strip(),
            "what_next": what_next.strip(),
        },
    )
    return response
