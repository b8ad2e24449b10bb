"""Reads about Exchanges: which to list, and what state each one is in."""

from datetime import datetime
from enum import StrEnum

from django.db.models import QuerySet
from django.utils import timezone

from .models import ExchangeIndexPage, ExchangePage


class ExchangeStatus(StrEnum):
    OPENING_SOON = "Opening soon"
    OPEN = "Open for registration"
    FULL = "Full: waiting list"
    CLOSED = "Registration closed"
    PAST = "Past"
    CANCELLED = "Cancelled"


def exchange_status(*, exchange: ExchangePage, now: datetime | None = None) -> ExchangeStatus:
    """Derive the status from the dates alone (capacity is added by the registration rules)."""
    now = now or timezone.now()
    if exchange.is_cancelled:
        return ExchangeStatus.CANCELLED
    if exchange.ends_at <= now:
        return ExchangeStatus.PAST
    if exchange.registration_opens_at and now < exchange.registration_opens_at:
        return ExchangeStatus.OPENING_SOON
    closes = exchange.registration_closes_at or exchange.starts_at
    if now >= closes:
        return ExchangeStatus.CLOSED
    return ExchangeStatus.OPEN


def _live_exchanges(index_page: ExchangeIndexPage | None) -> QuerySet[ExchangePage]:
    pages = ExchangePage.objects.live().public().select_related("theme")
    if index_page is not None:
        pages = pages.child_of(index_page)
    return pages


def exchanges_upcoming(
    *, index_page: ExchangeIndexPage | None = None, limit: int | None = None
) -> list[ExchangePage]:
    """Exchanges that have not yet ended, soonest first."""
    pages = _live_exchanges(index_page).filter(ends_at__gt=timezone.now()).order_by("starts_at")
    return list(pages[:limit] if limit else pages)


def exchanges_past(*, index_page: ExchangeIndexPage | None = None) -> list[ExchangePage]:
    """Exchanges that have ended, most recent first."""
    return list(
        _live_exchanges(index_page).filter(ends_at__lte=timezone.now()).order_by("-starts_at")
    )
