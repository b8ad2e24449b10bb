"""Writes of the messaging app: putting emails in the outbox and delivering them exactly once.

Delivery guarantees, step by step:

* ``message_enqueue`` writes the row inside the caller's transaction and hands the id to the
  broker only after commit, so a rolled-back change sends nothing. The unique ``key`` makes a
  second enqueue of the same message return the first row.
* ``messages_deliver`` claims a batch of rows under row locks (queued and due -> sending),
  sends them outside any transaction over one connection, and records each outcome as soon as
  the server answers. A second task for the same row (the sweep, a broker redelivery) finds it
  no longer queued and does nothing.
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
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta
from email.utils import parseaddr
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from .kinds import rules_for
from .mime import OutboxEmail
from .models import OutboxMessage
from .privacy import is_erased_address
from .rendering import RenderedMessage
from .selectors import RECHECKED_KINDS, messages_no_longer_wanted

if TYPE_CHECKING:
    from club.models import User
    from events.models import ExchangePage

    from .composing import BatchComposer

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


def _delivery_batch() -> int:
    return max(1, _setting("MESSAGING_DELIVERY_BATCH", 100))


def _dispatch(ids: list[int]) -> None:
    """One delivery task per batch of ids: the task claims them and sends over one connection."""
    from .tasks import deliver_messages

    size = _delivery_batch()
    batches = [ids[start : start + size] for start in range(0, len(ids), size)]
    if deliver_messages.app.conf.task_always_eager:
        with _EAGER_DELIVERY:
            for batch in batches:
                deliver_messages.delay(batch)
        return
    for position, batch in enumerate(batches):
        try:
            deliver_messages.delay(batch)
        except BrokerError as error:
            left = [message_id for rest in batches[position:] for message_id in rest]
            log.warning(
                "Broker unavailable; %d message(s) left for the sweep: %s", len(left), error
            )
            # Clear the mark so the next sweep dispatches these at once.
            OutboxMessage.objects.filter(pk__in=left, status=Status.QUEUED).update(enqueued_at=None)
            return


# --- Delivering -------------------------------------------------------------------------------


class _Outcome:
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"
    SKIPPED = "skipped"
    SUPPRESSED = "suppressed"


def _opted_out(candidates: list[tuple[int, str, int | None]]) -> set[int]:
    """The ids among (id, kind, person id) whose person has switched that bulk kind off.

    One query per preference in the batch (an invitation batch has one), not one per row.
    """
    from club.models import CommunicationPreferences

    wanted: dict[str, set[int]] = defaultdict(set)
    for _, kind, person_id in candidates:
        preference = rules_for(kind).preference
        if preference is not None and person_id is not None:
            wanted[preference].add(person_id)
    off = {
        preference: set(
            CommunicationPreferences.objects.filter(
                person_id__in=people, **{preference: False}
            ).values_list("person_id", flat=True)
        )
        for preference, people in wanted.items()
    }
    return {
        pk
        for pk, kind, person_id in candidates
        if person_id in off.get(rules_for(kind).preference or "", ())
    }


def _not_wanted(candidates: list[tuple[int, str, int | None]]) -> set[int]:
    """Opted out, or no longer relevant: a place cancelled or an Exchange called off since the
    row was queued (messaging.selectors.messages_no_longer_wanted). Suppressed, not sent."""
    rechecked = [pk for pk, kind, _ in candidates if kind in RECHECKED_KINDS]
    return _opted_out(candidates) | messages_no_longer_wanted(message_ids=rechecked)


def _claim(message_ids: list[int], now: datetime) -> tuple[list[OutboxMessage], set[int]]:
    """Move the due, queued rows among these ids to sending; each row is claimed exactly once.

    Returns the claimed rows (their person and Exchange loaded for composing) and the ids
    suppressed because the person opted out since the row was written.

    PostgreSQL: ``SELECT ... FOR UPDATE SKIP LOCKED`` then one UPDATE in the same transaction, so
    two workers given overlapping ids each take a disjoint share without waiting. SQLite has no
    row locks; there each row moves with its own conditional UPDATE (queued -> sending), which
    only one writer can win.
    """
    due = Q(status=Status.QUEUED, next_attempt_at__lte=now)
    claim = {
        "status": Status.SENDING,
        "attempts": F("attempts") + 1,
        "sending_started_at": now,
        "updated_at": now,
    }
    suppress = {"status": Status.SUPPRESSED, "updated_at": now}
    rows = OutboxMessage.objects.filter(due, pk__in=message_ids)
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            candidates = list(
                rows.select_for_update(skip_locked=True).values_list("pk", "kind", "person_id")
            )
            opted_out = _not_wanted(candidates)
            if opted_out:
                OutboxMessage.objects.filter(pk__in=opted_out).update(**suppress)
            claimed = [pk for pk, _, _ in candidates if pk not in opted_out]
            OutboxMessage.objects.filter(pk__in=claimed).update(**claim)
    else:
        candidates = list(rows.values_list("pk", "kind", "person_id"))
        opted_out = _not_wanted(candidates)
        won = OutboxMessage.objects.filter(due)
        opted_out = {pk for pk in opted_out if won.filter(pk=pk).update(**suppress)}
        claimed = [
            pk
            for pk, _, _ in candidates
            if pk not in opted_out and won.filter(pk=pk).update(**claim)
        ]
    if not claimed:
        return [], opted_out
    messages = list(
        OutboxMessage.objects.filter(pk__in=claimed, sending_started_at=now)
        .select_related("person")
        .order_by("pk")
    )
    # A fan-out batch is about one Exchange: read it once, not once per message.
    from events.models import ExchangePage

    exchanges = ExchangePage.objects.in_bulk({m.exchange_id for m in messages if m.exchange_id})
    for message in messages:
        if message.exchange_id is not None:
            message.exchange = exchanges.get(message.exchange_id)
    return messages, opted_out


def _from_domain() -> str:
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "localhost"


def build_email(message: OutboxMessage) -> OutboxEmail:
    headers = {
        "X-Club-Correlation-ID": str(message.correlation_id),
        # The same Message-ID on every attempt: a resend after a lost worker is recognisable.
        "Message-ID": f"<{message.correlation_id}@{_from_domain()}>",
        **message.headers,
    }
    if message.is_bulk:
        headers.setdefault("Auto-Submitted", "auto-generated")
    email = OutboxEmail(
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
    return messages_deliver(message_ids=[message_id])[message_id]


def messages_deliver(*, message_ids: list[int]) -> dict[int, str]:
    """Send the queued, due messages among these ids over one connection; the outcome of each.

    Each message is recorded as soon as the server has answered for it, so a worker lost
    half-way through a batch re-sends (after the sweep's timeout) only the one in flight. A
    refusal fails or retries that message alone; the rest of the batch goes on.
    """
    now = timezone.now()
    messages, _suppressed = _claim(list(message_ids), now)  # both reported as skipped
    outcomes = dict.fromkeys(message_ids, _Outcome.SKIPPED)
    if not messages:
        return outcomes
    from django.core.mail import mailers

    from .composing import BatchComposer
    from .rendering import wording_for

    wordings = {kind: wording_for(kind) for kind in {m.kind for m in messages}}
    composer = BatchComposer(wordings=wordings)  # renders each distinct email once
    mailer = mailers.default  # a fresh backend instance: one SMTP connection for the batch
    pending = list(messages)
    try:
        while pending:
            message = pending.pop(0)
            try:
                _compose_into(message, composer)
            except Exception as error:  # noqa: BLE001 - a broken template or a vanished row
                log.exception("Outbox message %s could not be composed", message.pk)
                outcomes[message.pk] = _record_failure(message, error, permanent=True)
                continue
            try:
                mailer.open()  # once; again only after an error closed it
            except Exception as error:  # noqa: BLE001 - cannot connect: this batch waits
                for unsent in (message, *pending):
                    outcomes[unsent.pk] = _record_failure(unsent, error)
                pending = []
                break
            try:
                mailer.send_messages([build_email(message)])
            except Exception as error:  # noqa: BLE001 - every failure is recorded on the row
                outcomes[message.pk] = _record_failure(message, error)
                _close_quietly(mailer)  # after a refusal the session may be unusable
                continue
            outcomes[message.pk] = _record_sent(message)
    finally:
        _close_quietly(mailer)
        if pending:  # stopped early (a time limit): hand the untried rows back at once
            _release(pending)
    return outcomes


def _close_quietly(mailer: Any) -> None:
    try:
        mailer.close()
    except Exception:  # noqa: BLE001 - the server hung up already; nothing to tidy
        log.debug("Closing the mail connection failed", exc_info=True)


def _composed_fields(message: OutboxMessage) -> dict[str, Any]:
    """What was composed, kept on the row so editors see what went out."""
    return {
        "subject": message.subject,
        "body_text": message.body_text,
        "body_html": message.body_html,
        "headers": message.headers,
    }


def _record_sent(message: OutboxMessage) -> str:
    now = timezone.now()
    updated = OutboxMessage.objects.filter(
        pk=message.pk, status=Status.SENDING, attempts=message.attempts
    ).update(
        status=Status.SENT, sent_at=now, last_error="", updated_at=now, **_composed_fields(message)
    )
    if not updated:
        log.warning("Outbox message %s changed while it was being sent", message.pk)
    return _Outcome.SENT


def _release(messages: list[OutboxMessage]) -> None:
    """Put claimed rows that were never tried back in the queue, for the sweep to hand over."""
    for message in messages:
        OutboxMessage.objects.filter(
            pk=message.pk, status=Status.SENDING, attempts=message.attempts
        ).update(
            status=Status.QUEUED,
            attempts=F("attempts") - 1,
            enqueued_at=None,
            updated_at=timezone.now(),
        )


def _compose_into(message: OutboxMessage, composer: BatchComposer) -> None:
    """Compose the email onto the row object; it is saved with the outcome of sending it."""
    composed = composer.compose(message)
    message.subject = composed.rendered.subject
    message.body_text = composed.rendered.text
    message.body_html = composed.rendered.html
    message.headers = composed.headers
    # Attachments composed now (the .ics) are sent, not stored: they are made again on a retry.
    message.attachments = composed.attachments


def _record_failure(message: OutboxMessage, error: Exception, *, permanent: bool = False) -> str:
    temporary = not permanent and classify_error(error)
    description = f"Attempt {message.attempts}: {type(error).__name__}: {error}"[:2000]
    now = timezone.now()
    rows = OutboxMessage.objects.filter(
        pk=message.pk, status=Status.SENDING, attempts=message.attempts
    )
    composed = _composed_fields(message) if message.body_text or message.body_html else {}
    if not temporary or message.attempts >= max_attempts():
        log.warning("Outbox message %s failed for good: %s", message.pk, description)
        rows.update(status=Status.FAILED, last_error=description, updated_at=now, **composed)
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
            **composed,
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
    if is_erased_address(locked.to_email):
        raise ValueError("The recipient's account was erased, so this message cannot be sent.")
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
