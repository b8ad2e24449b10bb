"""Writes about registrations and calendar feeds.

Capacity and seats per council must hold however many people press "Register" at once. Every
write that changes who holds a seat takes one lock, on the Exchange's row, as late as it can
(after the permission and window checks), and holds it to the end of its transaction:

- PostgreSQL: ``SELECT ... FOR UPDATE`` on the Exchange row, after ``lock_timeout`` is set for
  the transaction, so a queue that does not clear in time gives a clean "please try again"
  instead of a hung request;
- SQLite: the settings open every transaction with ``BEGIN IMMEDIATE``, which already lets only
  one writer in at a time (``FOR UPDATE`` is ignored there).

``EVENTS_REGISTRATION_LOCKING = False`` (a test-only switch) skips the lock, so a test can show
that the race is real.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Count
from django.utils import timezone

from club.models import Role
from club.selectors import person_is_approved_member
from messaging import notifications as outbox

from .models import CalendarFeed, ExchangePage, Registration, RegistrationStatus
from .rules import (
    colleague_membership,
    is_events_editor,
    may_cancel,
    own_membership,
    registration_window_refusal,
)

if TYPE_CHECKING:
    from club.models import User

# How long a registration waits for the Exchange's lock before giving up (milliseconds). Each
# holder keeps it for a few queries, so only a burst far beyond normal use waits this long, and
# it stays well inside the web server's request timeout.
LOCK_TIMEOUT_MS = 10_000
LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE for lock_timeout

BUSY_MESSAGE = (
    "A lot of people are registering for this Exchange at the moment. Nothing has been saved: "
    "please try again in a minute."
)


class RegistrationError(Exception):
    """A registration action that was refused, with a message to show the person as it is."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def _lock_exchange(*, exchange_id: int) -> ExchangePage:
    """Take the Exchange's row lock for the rest of the transaction and return fresh numbers."""
    pages = ExchangePage.objects.only(
        "pk", "capacity", "seats_per_council", "is_cancelled", "starts_at"
    )
    if not getattr(settings, "EVENTS_REGISTRATION_LOCKING", True):
        return pages.get(pk=exchange_id)
    try:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # set_config(..., true) is SET LOCAL: it ends with this transaction.
                cursor.execute(
                    "SELECT set_config('lock_timeout', %s, true)", [f"{LOCK_TIMEOUT_MS}ms"]
                )
        # of=("self",): lock the Exchange's own row, not Wagtail's page row editors publish.
        return pages.select_for_update(of=("self",)).get(pk=exchange_id)
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", None) == LOCK_NOT_AVAILABLE:
            raise RegistrationError(BUSY_MESSAGE, code="busy") from error
        raise


def _confirmed_by_council(*, exchange: ExchangePage) -> tuple[int, dict[int | None, int]]:
    rows = (
        Registration.objects.filter(exchange_id=exchange.pk, status=RegistrationStatus.CONFIRMED)
        .values("council_id")
        .annotate(n=Count("pk"))
    )
    by_council = {row["council_id"]: row["n"] for row in rows}
    return sum(by_council.values()), by_council


def _has_seat(
    *, exchange: ExchangePage, council_id: int | None, total: int, by_council: dict
) -> bool:
    if total >= exchange.capacity:
        return False
    if exchange.seats_per_council is None or council_id is None:
        return True
    return by_council.get(council_id, 0) < exchange.seats_per_council


def _active(*, exchange_id: int, person_id: int) -> Registration | None:
    return (
        Registration.objects.filter(exchange_id=exchange_id, person_id=person_id)
        .exclude(status=RegistrationStatus.CANCELLED)
        .first()
    )


def _already_message(*, registration: Registration, for_self: bool) -> str:
    who = "You are" if for_self else f"{registration.person} is"
    if registration.status == RegistrationStatus.WAITING:
        return f"{who} already on the waiting list for this Exchange."
    return f"{who} already registered for this Exchange."


def registration_create(
    *,
    exchange: ExchangePage,
    person: User,
    registered_by: User | None = None,
    access_needs: str = "",
    dietary_needs: str = "",
    question_answer: str = "",
    now: datetime | None = None,
) -> Registration:
    """Give the person a seat, or a place on the waiting list when there is none for them.

    An approved member registers themselves; a council admin registers an approved colleague of
    their own council. Raises RegistrationError with a message for the person otherwise.
    """
    registered_by = registered_by or person
    for_self = registered_by.pk == person.pk
    if for_self:
        if not person_is_approved_member(person=person):
            raise RegistrationError(
                "Only approved members of the club can register. If you have asked to join, "
                "your council's club contact will decide soon.",
                code="not_member",
            )
        membership = own_membership(person=person)
    else:
        membership = colleague_membership(admin=registered_by, person=person)
        if membership is None:
            raise RegistrationError(
                "You can register only approved colleagues of a council you are the club "
                "contact for.",
                code="not_allowed",
            )
    refusal = registration_window_refusal(exchange=exchange, now=now)
    if refusal:
        raise RegistrationError(refusal, code="window")
    existing = _active(exchange_id=exchange.pk, person_id=person.pk)
    if existing is not None:
        raise RegistrationError(
            _already_message(registration=existing, for_self=for_self), code="already"
        )
    council = membership.council if membership else None
    role = membership.role if membership else Role.GUEST

    try:
        with transaction.atomic():
            locked = _lock_exchange(exchange_id=exchange.pk)
            refusal = registration_window_refusal(exchange=locked, now=now)
            if refusal:  # cancelled or moved while this request queued for the lock
                raise RegistrationError(refusal, code="window")
            total, by_council = _confirmed_by_council(exchange=locked)
            council_id = council.pk if council else None
            seat = _has_seat(
                exchange=locked, council_id=council_id, total=total, by_council=by_council
            ) and not _eligible_waiting_exists(exchange=locked, total=total, by_council=by_council)
            registration = Registration.objects.create(
                exchange_id=locked.pk,
                person=person,
                council=council,
                role=role,
                status=RegistrationStatus.CONFIRMED if seat else RegistrationStatus.WAITING,
                confirmed_at=timezone.now() if seat else None,
                access_needs=access_needs.strip(),
                dietary_needs=dietary_needs.strip(),
                question_answer=question_answer.strip(),
                registered_by=registered_by,
            )
            # The confirmation (or waiting-list) email, sent by the outbox once this commits.
            outbox.registration_recorded(registration=registration)
            return registration
    except IntegrityError as error:
        # The same person in two tabs: the constraint keeps one active registration.
        existing = _active(exchange_id=exchange.pk, person_id=person.pk)
        if existing is None:
            raise
        raise RegistrationError(
            _already_message(registration=existing, for_self=for_self), code="already"
        ) from error


def _eligible_waiting_exists(*, exchange: ExchangePage, total: int, by_council: dict) -> bool:
    """Whether someone already queued could take a free seat (the queue goes first)."""
    waiting = Registration.objects.filter(
        exchange_id=exchange.pk, status=RegistrationStatus.WAITING
    )
    if exchange.seats_per_council is None:
        return total < exchange.capacity and waiting.exists()
    for council_id in waiting.values_list("council_id", flat=True).distinct():
        if _has_seat(exchange=exchange, council_id=council_id, total=total, by_council=by_council):
            return True
    return False


def _promote_locked(*, exchange: ExchangePage) -> list[Registration]:
    """Give free seats to the waiting list in order, skipping people whose council is full."""
    total, by_council = _confirmed_by_council(exchange=exchange)
    promoted: list[Registration] = []
    if total >= exchange.capacity:
        return promoted
    queue = Registration.objects.filter(
        exchange_id=exchange.pk, status=RegistrationStatus.WAITING
    ).order_by("created_at", "pk")
    moment = timezone.now()
    for registration in queue.iterator():
        if total >= exchange.capacity:
            break
        if not _has_seat(
            exchange=exchange,
            council_id=registration.council_id,
            total=total,
            by_council=by_council,
        ):
            continue
        registration.status = RegistrationStatus.CONFIRMED
        registration.confirmed_at = moment
        registration.save(update_fields=["status", "confirmed_at"])
        total += 1
        by_council[registration.council_id] = by_council.get(registration.council_id, 0) + 1
        promoted.append(registration)
        outbox.waiting_list_promoted(registration=registration)
    return promoted


@transaction.atomic
def waiting_list_promote(*, exchange: ExchangePage) -> list[Registration]:
    """Fill any free seats from the waiting list, first come first served; returns who moved up.

    Runs after a cancellation and after an editor publishes a larger capacity.
    """
    locked = _lock_exchange(exchange_id=exchange.pk)
    if locked.is_cancelled:
        return []
    return _promote_locked(exchange=locked)


@dataclass
class Cancellation:
    registration: Registration
    promoted: list[Registration] = field(default_factory=list)


def registration_cancel(
    *, registration: Registration, by: User, now: datetime | None = None
) -> Cancellation:
    """Cancel a place or leave the waiting list; a freed seat goes to the first eligible waiting.

    Members and council admins may cancel up to the start; editors at any time.
    """
    now = now or timezone.now()
    if not may_cancel(user=by, registration=registration):
        raise RegistrationError("You cannot cancel this registration.", code="not_allowed")
    editor = is_events_editor(user=by)
    with transaction.atomic():
        locked = _lock_exchange(exchange_id=registration.exchange_id)
        current = Registration.objects.get(pk=registration.pk)
        if current.status == RegistrationStatus.CANCELLED:
            raise RegistrationError("This registration is already cancelled.", code="already")
        if now >= locked.starts_at and not editor:
            raise RegistrationError(
                "This Exchange has started, so the registration can no longer be cancelled "
                "here. Please contact the club's team.",
                code="window",
            )
        was_confirmed = current.status == RegistrationStatus.CONFIRMED
        current.status = RegistrationStatus.CANCELLED
        current.cancelled_at = timezone.now()
        current.cancelled_by = by
        current.save(update_fields=["status", "cancelled_at", "cancelled_by"])
        outbox.registration_cancelled(registration=current)
        promoted = (
            _promote_locked(exchange=locked) if was_confirmed and not locked.is_cancelled else []
        )
    registration.refresh_from_db()
    return Cancellation(registration=registration, promoted=promoted)


def registration_promote(*, registration: Registration, by: User) -> Registration:
    """An editor gives a waiting person a seat by hand, ahead of the queue.

    The editor's judgement may go past the seats per council, never past the capacity: the
    room holds what it holds. Raise the capacity first to seat more people.
    """
    if not is_events_editor(user=by):
        raise RegistrationError("Only editors can promote people by hand.", code="not_allowed")
    with transaction.atomic():
        locked = _lock_exchange(exchange_id=registration.exchange_id)
        current = Registration.objects.get(pk=registration.pk)
        if current.status != RegistrationStatus.WAITING:
            raise RegistrationError(
                f"{current.person} is not on the waiting list.", code="not_waiting"
            )
        total, _ = _confirmed_by_council(exchange=locked)
        if total >= locked.capacity:
            raise RegistrationError(
                f"All {locked.capacity} seats are taken. Raise the capacity or cancel a place "
                "first.",
                code="full",
            )
        current.status = RegistrationStatus.CONFIRMED
        current.confirmed_at = timezone.now()
        current.save(update_fields=["status", "confirmed_at"])
        outbox.waiting_list_promoted(registration=current)
    registration.refresh_from_db()
    return registration


@transaction.atomic
def registration_check_in(*, registration: Registration, by: User, attended: bool) -> Registration:
    """Mark a confirmed attendee as arrived on the day (or undo a mistaken tap)."""
    if not is_events_editor(user=by):
        raise RegistrationError("Only editors can check people in.", code="not_allowed")
    current = Registration.objects.select_for_update().get(pk=registration.pk)
    if current.status != RegistrationStatus.CONFIRMED:
        raise RegistrationError(
            f"{current.person} does not hold a confirmed place.", code="not_confirmed"
        )
    current.attended_at = timezone.now() if attended else None
    current.save(update_fields=["attended_at"])
    return current


@transaction.atomic
def calendar_feed_renew(*, person: User) -> CalendarFeed:
    """Give the member a new private feed address; any old address stops working at once."""
    token = secrets.token_urlsafe(32)
    feed, created = CalendarFeed.objects.get_or_create(person=person, defaults={"token": token})
    if not created:
        feed.token = token
        feed.created_at = timezone.now()
        feed.save(update_fields=["token", "created_at"])
    return feed


@transaction.atomic
def calendar_feed_revoke(*, person: User) -> None:
    """Switch the member's private feed off."""
    CalendarFeed.objects.filter(person=person).delete()


def registration_forget_person(*, person: User) -> list[Registration]:
    """On account erasure: give up places still ahead (the queue moves up), clear what they wrote.

    The rows stay, anonymised with the person, so the programme's council report keeps its
    numbers. Returns the people promoted into the freed seats.
    """
    promoted: list[Registration] = []
    ahead = (
        Registration.objects.filter(person=person, exchange__ends_at__gt=timezone.now())
        .exclude(status=RegistrationStatus.CANCELLED)
        .values_list("pk", "exchange_id")
    )
    for registration_id, exchange_id in list(ahead):
        with transaction.atomic():
            locked = _lock_exchange(exchange_id=exchange_id)
            current = Registration.objects.get(pk=registration_id)
            was_confirmed = current.status == RegistrationStatus.CONFIRMED
            current.status = RegistrationStatus.CANCELLED
            current.cancelled_at = timezone.now()
            current.save(update_fields=["status", "cancelled_at"])
            if was_confirmed and not locked.is_cancelled:
                promoted += _promote_locked(exchange=locked)
    Registration.objects.filter(person=person).update(
        access_needs="", dietary_needs="", question_answer=""
    )
    CalendarFeed.objects.filter(person=person).delete()
    return promoted
