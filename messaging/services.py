"""Writes of the messaging app: putting emails in the outbox and delivering them exactly once.

Delivery guarantees, step by step:

* ``message_enqueue`` writes the row inside the caller's transaction and hands the id to the
  broker only after commit, so a rolled-back change sends nothing. The unique ``key`` makes a
  second enqueue of the same message return the first row.
* ``message_deliver`` claims the row under a row lock (queued and due -> sending), sends outside
  any transaction, then records the outcome. A second task for the same row (the sweep, a broker
  redelivery) finds it no longer queued and does nothing.
* If the broker is down at commit the row stays queued; ``outbox_sweep`` (beat, every minute)
  hands it to the broker again once the broker is back.
* A row left in *sending* by a worker that died is the one place we must choose. The SMTP server
  may or may not have accepted the message; we cannot ask it. We choose **at-least-once**: after
  ``MESSAGING_SENDING_TIMEOUT`` the sweep puts the row back in the queue and it is sent again with
  the same Message-ID. A duplicate needs the worker to die in the moment between the server's
  final "250" and our commit of *sent*; losing the mail instead would follow from a death at any
  point of the much longer connect/upload. Losing a registration confirmation is worse than a
  rare second copy that mail clients can recognise by its Message-ID. ``last_error`` says so.
"""

from __future__ import annotations

import logging
import random
import smtplib
import threading
from collections.abc import Iterable
from datetime import datetime, timedelta
from email.utils import parseaddr
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from .kinds import rules_for
from .models import OutboxMessage
from .rendering import RenderedMessage

if TYPE_CHECKING:
    from club.models import User
    from events.models import ExchangePage

log = logging.getLogger(__name__)

Status = OutboxMessage.Status


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_attempts() -> int:
    return _setting("MESSAGING_MAX_ATTEMPTS", 8)


# --- Enqueueing -------------------------------------------------------------------------------


def message_key(*, kind: str, about: str, recipient: str) -> str:
    """The idempotency key: one message of a kind, about one thing, to one recipient."""
    return f"{kind}:{about}:{recipient}"[:255]


def person_wants(*, person: User | None, kind: str) -> bool:
    """False when the person has switched this (bulk) kind off. Other kinds always go."""
    preference = rules_for(kind).preference
    if preference is None or person is None:
        return True
    from club.models import CommunicationPreferences

    value = (
        CommunicationPreferences.objects.filter(person=person)
        .values_list(preference, flat=True)
        .first()
    )
    return value is not False  # no preferences row yet: the defaults, which are all on


def message_row(
    *,
    kind: str,
    about: str,
    to_email: str,
    person: User | None,
    exchange: ExchangePage | None = None,
    exchange_id: int | None = None,
    context: dict[str, Any] | None = None,
    attachments: list[dict[str, str]] | None = None,
    status: str = Status.QUEUED,
    prerendered: RenderedMessage | None = None,
) -> OutboxMessage:
    """Build (not save) one outbox row. Cheap: the email is composed when it is sent."""
    recipient = str(person.pk) if person is not None else to_email.strip().lower()
    return OutboxMessage(
        kind=kind,
        key=message_key(kind=kind, about=about, recipient=recipient),
        to_email=to_email,
        person=person,
        exchange_id=exchange.pk if exchange is not None else exchange_id,
        context=context or {},
        subject=" ".join(prerendered.subject.split())[:255] if prerendered else "",
        body_text=prerendered.text if prerendered else "",
        body_html=prerendered.html if prerendered else "",
        attachments=attachments or [],
        status=status,
        enqueued_at=timezone.now() if status == Status.QUEUED else None,
    )


@transaction.atomic
def message_enqueue(
    *,
    kind: str,
    about: str,
    to_email: str | None = None,
    person: User | None = None,
    exchange: ExchangePage | None = None,
    exchange_id: int | None = None,
    context: dict[str, Any] | None = None,
    attachments: list[dict[str, str]] | None = None,
    prerendered: RenderedMessage | None = None,
) -> OutboxMessage:
    """Put one email in the outbox, in the caller's transaction, and deliver it after commit.

    ``about`` names what the email is about (``"registration:12"``); with the kind and the
    recipient it forms the idempotency key, so asking twice is harmless and returns the first row.
    A bulk kind the person has switched off is recorded as *suppressed* and not sent.
    """
    if person is None and not to_email:
        raise ValueError("A message needs a person or an email address.")
    to_email = to_email or person.email
    recipient = str(person.pk) if person is not None else to_email.strip().lower()
    key = message_key(kind=kind, about=about, recipient=recipient)
    existing = OutboxMessage.objects.filter(key=key).first()
    if existing is not None:
        return existing
    status = Status.QUEUED if person_wants(person=person, kind=kind) else Status.SUPPRESSED
    message = message_row(
        kind=kind,
        about=about,
        to_email=to_email,
        person=person,
        exchange=exchange,
        exchange_id=exchange_id,
        context=context,
        attachments=attachments,
        status=status,
        prerendered=prerendered,
    )
    try:
        with transaction.atomic():  # a savepoint: a concurrent enqueue of the same key wins
            message.save()
    except IntegrityError:
        return OutboxMessage.objects.get(key=key)
    if status == Status.QUEUED:
        deliver_after_commit([message.pk])
    return message


def messages_enqueue_bulk(messages: list[OutboxMessage]) -> list[int]:
    """Save many prepared rows at once (existing keys are skipped) and deliver the new ones.

    Returns the ids now queued for these keys. Call inside a transaction.
    """
    if not messages:
        return []
    keys = [m.key for m in messages]
    OutboxMessage.objects.bulk_create(messages, ignore_conflicts=True)
    ids = list(
        OutboxMessage.objects.filter(key__in=keys, status=Status.QUEUED).values_list(
            "pk", flat=True
        )
    )
    deliver_after_commit(ids)
    return ids


def deliver_after_commit(message_ids: Iterable[int]) -> None:
    """Hand the ids to the broker once the transaction commits.

    Not ``delay_on_commit``: if Redis is down at that moment, the change has already committed
    and must not turn into an error page. The rows stay queued and the sweep sends them later.
    """
    ids = list(message_ids)
    if ids:
        transaction.on_commit(partial(_dispatch, ids))


# Without a broker (the demo, the tests) deliveries run in the web process after commit. One at
# a time: a burst of registrations then sends one email after another over one connection,
# instead of every request thread rendering and sending at once and starving the others.
_EAGER_DELIVERY = threading.Lock()


def _dispatch(ids: list[int]) -> None:
    from .tasks import deliver_message

    if deliver_message.app.conf.task_always_eager:
        with _EAGER_DELIVERY:
            for message_id in ids:
                deliver_message.delay(message_id)
        return
    for position, message_id in enumerate(ids):
        try:
            deliver_message.delay(message_id)
        except BrokerError as error:
            log.warning("Broker unavailable; %d message(s) left for the sweep: %s", len(ids), error)
            # Clear the mark so the next sweep dispatches these at once.
            OutboxMessage.objects.filter(pk__in=ids[position:], status=Status.QUEUED).update(
                enqueued_at=None
            )
            return


# --- Delivering -------------------------------------------------------------------------------


class _Outcome:
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"
    SKIPPED = "skipped"
    SUPPRESSED = "suppressed"


def _claim(message_id: int, now: datetime) -> OutboxMessage | None:
    """Lock the row and move it from queued to sending; None when there is nothing to do."""
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status != Status.QUEUED or message.next_attempt_at > now:
            return None
        if message.is_bulk and not person_wants(person=message.person, kind=message.kind):
            message.status = Status.SUPPRESSED
            message.save(update_fields=["status", "updated_at"])
            return None
        message.status = Status.SENDING
        message.attempts += 1
        message.sending_started_at = now
        message.save(update_fields=["status", "attempts", "sending_started_at", "updated_at"])
        return message


def _from_domain() -> str:
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "localhost"


def build_email(message: OutboxMessage) -> EmailMultiAlternatives:
    headers = {
        "X-Club-Correlation-ID": str(message.correlation_id),
        # The same Message-ID on every attempt: a resend after a lost worker is recognisable.
        "Message-ID": f"<{message.correlation_id}@{_from_domain()}>",
        **message.headers,
    }
    if message.is_bulk:
        headers.setdefault("Auto-Submitted", "auto-generated")
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to_email],
        headers=headers,
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for attachment in message.attachments:
        email.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    return email


def classify_error(error: Exception) -> bool:
    """True when the error is temporary and worth another try; False when it is permanent."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return not 500 <= error.smtp_code < 600
    try:
        from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused
    except ImportError:  # pragma: no cover - anymail is a dependency
        AnymailAPIError = AnymailRecipientsRefused = ()  # noqa: N806
    if AnymailRecipientsRefused and isinstance(error, AnymailRecipientsRefused):
        return False
    if AnymailAPIError and isinstance(error, AnymailAPIError):
        status = getattr(error, "status_code", None)
        return status is None or status == 429 or status >= 500
    # Connection refused or reset, timeouts, a server that hung up: try again later.
    return True


def retry_delay(attempt: int) -> timedelta:
    """Exponential backoff with jitter: about base, 2x base, 4x base ... capped."""
    base = _setting("MESSAGING_RETRY_BASE_SECONDS", 60)
    cap = _setting("MESSAGING_RETRY_MAX_SECONDS", 6 * 3600)
    ceiling = min(cap, base * 2 ** max(attempt - 1, 0))
    return timedelta(seconds=random.uniform(ceiling / 2, ceiling))  # noqa: S311 (not security)


def message_deliver(*, message_id: int) -> str:
    """Send one outbox message if it is queued and due. Safe to call any number of times."""
    now = timezone.now()
    message = _claim(message_id, now)
    if message is None:
        return _Outcome.SKIPPED
    try:
        _compose_into(message)
    except Exception as error:  # noqa: BLE001 - a broken template or a vanished row
        log.exception("Outbox message %s could not be composed", message.pk)
        return _record_failure(message, error, permanent=True)
    try:
        build_email(message).send()
    except Exception as error:  # noqa: BLE001 - every failure is recorded on the row
        return _record_failure(message, error)
    updated = OutboxMessage.objects.filter(
        pk=message.pk, status=Status.SENDING, attempts=message.attempts
    ).update(status=Status.SENT, sent_at=timezone.now(), last_error="", updated_at=timezone.now())
    if not updated:
        log.warning("Outbox message %s changed while it was being sent", message.pk)
    return _Outcome.SENT


def _compose_into(message: OutboxMessage) -> None:
    """Compose the email and keep what was composed on the row (what editors see)."""
    from .composing import compose

    composed = compose(message)
    message.subject = composed.rendered.subject
    message.body_text = composed.rendered.text
    message.body_html = composed.rendered.html
    message.headers = composed.headers
    # Attachments composed now (the .ics) are sent, not stored: they are made again on a retry.
    message.attachments = composed.attachments
    OutboxMessage.objects.filter(pk=message.pk).update(
        subject=message.subject,
        body_text=message.body_text,
        body_html=message.body_html,
        headers=message.headers,
    )


def _record_failure(message: OutboxMessage, error: Exception, *, permanent: bool = False) -> str:
    temporary = not permanent and classify_error(error)
    description = f"Attempt {message.attempts}: {type(error).__name__}: {error}"[:2000]
    now = timezone.now()
    rows = OutboxMessage.objects.filter(
        pk=message.pk, status=Status.SENDING, attempts=message.attempts
    )
    if not temporary or message.attempts >= max_attempts():
        log.warning("Outbox message %s failed for good: %s", message.pk, description)
        rows.update(status=Status.FAILED, last_error=description, updated_at=now)
        return _Outcome.FAILED
    delay = retry_delay(message.attempts)
    due = now + delay
    countdown = delay.total_seconds()
    # Short waits ride on a countdown; longer ones wait for the sweep. A countdown is never near
    # the broker's visibility timeout, or Redis would hand the task out twice.
    use_countdown = countdown <= _setting("MESSAGING_MAX_COUNTDOWN_SECONDS", 900)
    with transaction.atomic():
        rows.update(
            status=Status.QUEUED,
            next_attempt_at=due,
            last_error=description,
            enqueued_at=due if use_countdown else None,
            updated_at=now,
        )
        if use_countdown:
            transaction.on_commit(partial(_dispatch_later, message.pk, countdown))
    log.info("Outbox message %s will be tried again in %.0fs: %s", message.pk, countdown, error)
    return _Outcome.RETRY


def _dispatch_later(message_id: int, countdown: float) -> None:
    from .tasks import deliver_message

    try:
        deliver_message.apply_async((message_id,), countdown=countdown)
    except BrokerError:
        OutboxMessage.objects.filter(pk=message_id, status=Status.QUEUED).update(enqueued_at=None)


# --- The sweep --------------------------------------------------------------------------------


def outbox_sweep(*, now: datetime | None = None, limit: int = 2000) -> dict[str, int]:
    """Re-dispatch what the broker lost and recover rows a dead worker left in *sending*."""
    now = now or timezone.now()
    sending_timeout = timedelta(seconds=_setting("MESSAGING_SENDING_TIMEOUT", 300))
    grace = timedelta(seconds=_setting("MESSAGING_REDISPATCH_AFTER", 120))
    stale = OutboxMessage.objects.filter(
        status=Status.SENDING, sending_started_at__lt=now - sending_timeout
    )
    note = "The worker was lost while sending; sent again (at-least-once)."
    with transaction.atomic():
        gave_up = stale.filter(attempts__gte=max_attempts()).update(
            status=Status.FAILED, last_error=note, updated_at=now
        )
        recovered = stale.update(
            status=Status.QUEUED,
            next_attempt_at=now,
            enqueued_at=None,
            last_error=note,
            updated_at=now,
        )
    with transaction.atomic():
        due_ids = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(status=Status.QUEUED, next_attempt_at__lte=now)
            .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - grace))
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
        OutboxMessage.objects.filter(pk__in=due_ids).update(enqueued_at=now)
        deliver_after_commit(due_ids)
    return {"recovered": recovered, "gave_up": gave_up, "dispatched": len(due_ids)}


@transaction.atomic
def message_resend(*, message: OutboxMessage) -> OutboxMessage:
    """An editor asks for a failed message to be tried again, with a fresh set of attempts."""
    locked = OutboxMessage.objects.select_for_update().get(pk=message.pk)
    if locked.status != Status.FAILED:
        raise ValueError("Only a failed message can be sent again.")
    locked.status = Status.QUEUED
    locked.attempts = 0
    locked.next_attempt_at = timezone.now()
    locked.enqueued_at = timezone.now()
    locked.save(
        update_fields=["status", "attempts", "next_attempt_at", "enqueued_at", "updated_at"]
    )
    deliver_after_commit([locked.pk])
    return locked


# --- Preferences ------------------------------------------------------------------------------


def person_unsubscribe(*, person_id: int, preference: str) -> bool:
    """Switch one bulk preference off for the person a signed link names; False if they are gone.

    Queued messages of that kind are suppressed when their turn comes (``_claim`` checks again).
    """
    from club.models import User
    from club.services import preferences_update

    person = User.objects.filter(pk=person_id).first()
    if person is None:
        return False
    preferences_update(person=person, **{preference: False})
    return True
