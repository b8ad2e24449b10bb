"""Bulk and scheduled sends: invitations when an Exchange opens, reminders, follow-ups, digest.

Beat calls the ``*_dispatch`` functions (through thin tasks) often; they find what is due and
write outbox rows. Every row's key names the kind, the thing and the person, so running any of
these twice, or after a crash half-way, never sends anyone a second copy.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from itertools import batched

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from club.models import User
from events.models import ExchangePage

from .kinds import MessageKind, rules_for
from .models import FanOut
from .selectors import digest_recipients, invitation_recipients
from .services import message_row, messages_enqueue_bulk

log = logging.getLogger(__name__)


def _batch_size() -> int:
    return int(getattr(settings, "MESSAGING_FAN_OUT_BATCH", 500))


def _fan_out(
    *,
    kind: str,
    about: str,
    people: QuerySet[User],
    exchange: ExchangePage | None,
    context: dict | None = None,
) -> int:
    """Write one row per person, a batch per transaction, a fixed number of queries per batch.

    The recipients are read in one query (streamed); each batch is one multi-row INSERT that
    skips keys already there (``ON CONFLICT DO NOTHING``) and one read of the ids, and its
    delivery is handed over in batches after it commits. Each batch commits on its own, so a
    worker killed half-way leaves the finished batches queued and delivered, and running the
    fan-out again fills in the rest.
    """
    batch_size = _batch_size()
    queued = 0
    recipients = people.order_by("pk").only("pk", "email").iterator(chunk_size=batch_size)
    for batch in batched(recipients, batch_size, strict=False):
        with transaction.atomic():
            rows = [
                message_row(
                    kind=kind,
                    about=about,
                    to_email=person.email,
                    person=person,
                    exchange=exchange,
                    context=context,
                )
                for person in batch
            ]
            queued += len(messages_enqueue_bulk(rows))
    return queued


# --- Invitations when an Exchange opens --------------------------------------------------------


def _invitation_window() -> timedelta:
    # Only Exchanges that opened recently: switching this on must not invite people to every
    # Exchange that has been open for months.
    return timedelta(days=int(getattr(settings, "MESSAGING_INVITATION_WINDOW_DAYS", 7)))


def exchanges_opening(*, now: datetime | None = None) -> list[int]:
    """Live Exchanges whose registration opened lately and whose invitations are not done."""
    now = now or timezone.now()
    done = FanOut.objects.filter(
        kind=MessageKind.EXCHANGE_INVITATION, finished_at__isnull=False
    ).values("exchange_id")
    pages = (
        ExchangePage.objects.live()
        .public()
        .filter(is_cancelled=False, starts_at__gt=now)
        .filter(
            registration_opens_at__lte=now, registration_opens_at__gt=now - _invitation_window()
        )
        .exclude(pk__in=done)
    )
    return [
        page.pk
        for page in pages
        if page.registration_closes_at is None or page.registration_closes_at > now
    ]


def exchange_invitations_fan_out(*, exchange_id: int, now: datetime | None = None) -> int:
    """Invite everyone eligible to one Exchange. Returns how many invitations are now queued."""
    now = now or timezone.now()
    exchange = ExchangePage.objects.live().filter(pk=exchange_id, is_cancelled=False).first()
    if exchange is None or exchange.starts_at <= now:
        return 0
    fan_out, _ = FanOut.objects.get_or_create(
        kind=MessageKind.EXCHANGE_INVITATION,
        subject_ref=f"exchange:{exchange.pk}",
        defaults={"exchange": exchange},
    )
    if fan_out.finished_at is not None:
        return 0
    queued = _fan_out(
        kind=MessageKind.EXCHANGE_INVITATION,
        about=f"exchange:{exchange.pk}",
        people=invitation_recipients(exchange=exchange),
        exchange=exchange,
    )
    FanOut.objects.filter(pk=fan_out.pk).update(finished_at=timezone.now(), messages_queued=queued)
    log.info("Invitations to %s: %d queued", exchange, queued)
    return queued


# --- Reminders before, follow-ups after ----------------------------------------------------------


def _registrations(exchange_ids: Iterable[int], **filters):
    from events.models import Registration

    return Registration.objects.filter(exchange_id__in=list(exchange_ids), **filters)


def _send_per_registration(*, kind: str, exchange: ExchangePage, registrations) -> int:
    """One email per person; reminders and follow-ups are not worth a query per person, so the
    opt-out is checked in the same query and again when each is sent."""
    preference = rules_for(kind).preference
    people = User.objects.filter(pk__in=registrations.values("person_id"), is_active=True).exclude(
        **{f"communication_preferences__{preference}": False}
    )
    return _fan_out(
        kind=kind,
        about=f"exchange:{exchange.pk}",
        people=people,
        exchange=exchange,
    )


def reminders_dispatch(*, now: datetime | None = None) -> int:
    """A week before and the day before: remind people with a confirmed place.

    Beat runs this hourly. The week reminder goes in the day that starts seven days before the
    Exchange, the day reminder in its last 24 hours, so a late registration gets only the second.
    """
    now = now or timezone.now()
    windows = [
        (MessageKind.REMINDER_WEEK, now + timedelta(days=6), now + timedelta(days=7)),
        (MessageKind.REMINDER_DAY, now, now + timedelta(days=1)),
    ]
    queued = 0
    for kind, start, end in windows:
        exchanges = ExchangePage.objects.live().filter(
            is_cancelled=False, starts_at__gt=start, starts_at__lte=end
        )
        for exchange in exchanges:
            confirmed = _registrations([exchange.pk], status="confirmed")
            queued += _send_per_registration(kind=kind, exchange=exchange, registrations=confirmed)
    return queued


def follow_ups_dispatch(*, now: datetime | None = None) -> int:
    """After an Exchange: thanks and the outputs to those who came, the outputs to no-shows.

    Sent from a day after it ends (time for editors to record who came) until a week after.
    If nobody was checked in at all, attendance was not taken: everyone confirmed is thanked
    rather than told they were missed.
    """
    now = now or timezone.now()
    exchanges = ExchangePage.objects.live().filter(
        is_cancelled=False,
        ends_at__lte=now - timedelta(days=1),
        ends_at__gt=now - timedelta(days=8),
    )
    queued = 0
    for exchange in exchanges:
        confirmed = _registrations([exchange.pk], status="confirmed")
        attended = confirmed.filter(attended_at__isnull=False)
        attendance_taken = attended.exists()
        came = attended if attendance_taken else confirmed
        queued += _send_per_registration(
            kind=MessageKind.THANK_YOU, exchange=exchange, registrations=came
        )
        if attendance_taken:
            missed = confirmed.filter(attended_at__isnull=True)
            queued += _send_per_registration(
                kind=MessageKind.MISSED_YOU, exchange=exchange, registrations=missed
            )
    return queued


# --- The weekly case-study digest ---------------------------------------------------------------


def case_study_digest_dispatch(*, now: datetime | None = None) -> int:
    """Case studies first published in the seven days before ``now``, to those who opted in.

    Keyed by ISO week, so a second run in the same week sends nothing; no new case studies, no
    email.
    """
    from casestudies.models import CaseStudyPage

    now = now or timezone.now()
    studies = list(
        CaseStudyPage.objects.live()
        .public()
        .filter(first_published_at__gt=now - timedelta(days=7), first_published_at__lte=now)
        .order_by("-first_published_at")
    )
    if not studies:
        return 0
    year, week, _ = timezone.localtime(now).isocalendar()
    items = [
        {
            "title": study.title,
            "summary": study.summary,
            "url": (lambda u: u if u.startswith("http") else settings.SITE_BASE_URL + u)(
                study.get_url() or ""
            ),
        }
        for study in studies
    ]
    return _fan_out(
        kind=MessageKind.CASE_STUDY_DIGEST,
        about=f"digest:{year}-W{week:02d}",
        people=digest_recipients(),
        exchange=None,
        context={"case_studies": items},
    )
