"""The outbox core: idempotent enqueue, on-commit delivery, retries, failures and the sweep.

These run Celery eagerly (no REDIS_URL in tests), so a task runs in-process once the
transaction commits; test_integration.py repeats the important cases with a real worker.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from club.services import preferences_update
from messaging.kinds import MessageKind
from messaging.models import OutboxMessage
from messaging.services import message_deliver, message_enqueue, message_resend, outbox_sweep

Status = OutboxMessage.Status


def approved(person, about="membership:1"):
    return message_enqueue(
        kind=MessageKind.MEMBERSHIP_APPROVED,
        about=about,
        person=person,
        context={"placeholders": {"council": "Clackmannanshire Council"}},
    )


def digest(person, about="digest:2026-47"):
    return message_enqueue(
        kind=MessageKind.CASE_STUDY_DIGEST, about=about, person=person, context={}
    )


def test_enqueue_twice_is_one_row_and_one_email(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = approved(person)
        second = approved(person)
    assert first.pk == second.pk
    assert OutboxMessage.objects.count() == 1
    assert len(mail.outbox) == 1
    first.refresh_from_db()
    assert first.status == Status.SENT
    assert first.attempts == 1
    assert first.sent_at is not None


def test_nothing_is_sent_before_commit(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        approved(person)
    assert len(callbacks) == 1
    assert mail.outbox == []


def test_rolled_back_change_sends_nothing(person, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        approved(person)
        raise RuntimeError("the registration failed")
    assert callbacks == []
    assert OutboxMessage.objects.count() == 0
    assert mail.outbox == []


def test_email_carries_correlation_id_and_editor_wording(
    person, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = approved(person)
    sent = mail.outbox[0]
    assert sent.to == ["ada@council.gov.uk"]
    assert sent.extra_headers["X-Club-Correlation-ID"] == str(message.correlation_id)
    assert str(message.correlation_id) in sent.extra_headers["Message-ID"]
    assert sent.subject == "Welcome to the Innovation Club"
    assert "membership under Clackmannanshire Council has been approved" in sent.body
    assert "Dear Ada," in sent.body
    html = sent.alternatives[0].content
    assert "Clackmannanshire Council" in html
    # Account messages cannot be switched off, so they carry no unsubscribe header.
    assert "List-Unsubscribe" not in sent.extra_headers


def test_bulk_kind_has_one_click_unsubscribe_headers(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = digest(person)
    sent = mail.outbox[0]
    url = sent.extra_headers["List-Unsubscribe"].strip("<>")
    assert url.startswith("http://127.0.0.1:8000/messages/unsubscribe/")
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in sent.body
    message.refresh_from_db()
    assert message.headers["List-Unsubscribe"] == f"<{url}>"  # kept: what was sent


def test_opted_out_person_gets_no_bulk_mail_but_still_gets_account_mail(
    person, django_capture_on_commit_callbacks
):
    preferences_update(person=person, receive_case_study_digest=False)
    with django_capture_on_commit_callbacks(execute=True):
        skipped = digest(person)
        sent = approved(person)
    assert skipped.status == Status.SUPPRESSED
    sent.refresh_from_db()
    assert sent.status == Status.SENT
    assert [m.subject for m in mail.outbox] == ["Welcome to the Innovation Club"]


def test_opting_out_after_queueing_suppresses_at_send_time(
    person, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        message = digest(person)
    preferences_update(person=person, receive_case_study_digest=False)
    assert message_deliver(message_id=message.pk) == "skipped"
    message.refresh_from_db()
    assert message.status == Status.SUPPRESSED
    assert mail.outbox == []


def test_second_delivery_of_a_sent_message_does_nothing(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = approved(person)
    assert message_deliver(message_id=message.pk) == "skipped"
    assert len(mail.outbox) == 1


def test_temporary_refusal_is_retried_later_with_backoff(
    person, smtp_mailers, django_capture_on_commit_callbacks, settings
):
    settings.MESSAGING_RETRY_BASE_SECONDS = 60
    smtp_mailers.handler.refuse_data_left = 1
    with django_capture_on_commit_callbacks(execute=False):
        message = approved(person)
    before = timezone.now()
    assert message_deliver(message_id=message.pk) == "retry"
    message.refresh_from_db()
    assert message.status == Status.QUEUED
    assert message.attempts == 1
    assert "421" in message.last_error
    # Jitter keeps the wait between half and all of the first step.
    assert before + timedelta(seconds=29) <= message.next_attempt_at
    assert message.next_attempt_at <= before + timedelta(seconds=61)
    # Not due yet: a stray task (a sweep, a redelivery) leaves it alone.
    assert message_deliver(message_id=message.pk) == "skipped"
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert message_deliver(message_id=message.pk) == "sent"
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.attempts == 2
    assert len(smtp_mailers.handler.received) == 1


def test_permanent_refusal_fails_at_once(person, smtp_mailers, django_capture_on_commit_callbacks):
    smtp_mailers.handler.refuse_rcpt = "550 5.1.1 No such mailbox here"
    with django_capture_on_commit_callbacks(execute=False):
        message = approved(person)
    assert message_deliver(message_id=message.pk) == "failed"
    message.refresh_from_db()
    assert message.status == Status.FAILED
    assert message.attempts == 1
    assert "550" in message.last_error
    assert smtp_mailers.handler.received == []


def test_gives_up_after_the_last_attempt(
    person, smtp_mailers, django_capture_on_commit_callbacks, settings
):
    settings.MESSAGING_MAX_ATTEMPTS = 3
    smtp_mailers.handler.refuse_data_left = 10
    with django_capture_on_commit_callbacks(execute=False):
        message = approved(person)
    outcomes = []
    for _ in range(3):
        OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        outcomes.append(message_deliver(message_id=message.pk))
    assert outcomes == ["retry", "retry", "failed"]
    message.refresh_from_db()
    assert message.status == Status.FAILED
    assert message.attempts == 3


def test_connection_refused_is_temporary(person, settings, django_capture_on_commit_callbacks):
    from .smtp import free_port

    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }
    with django_capture_on_commit_callbacks(execute=False):
        message = approved(person)
    assert message_deliver(message_id=message.pk) == "retry"
    message.refresh_from_db()
    assert message.status == Status.QUEUED
    assert "ConnectionRefusedError" in message.last_error


def test_editor_resend_of_a_failed_message(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        message = approved(person)
    OutboxMessage.objects.filter(pk=message.pk).update(status=Status.FAILED, attempts=8)
    with django_capture_on_commit_callbacks(execute=True):
        message_resend(message=message)
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.attempts == 1
    assert len(mail.outbox) == 1
    with pytest.raises(ValueError, match="Only a failed message"):
        message_resend(message=message)


def test_sweep_hands_over_rows_the_broker_never_got(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        message = approved(person)
    # As if Redis had been down at commit: the dispatch failed and cleared the mark.
    OutboxMessage.objects.filter(pk=message.pk).update(enqueued_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        result = outbox_sweep()
    assert result["dispatched"] == 1
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert len(mail.outbox) == 1


def test_sweep_does_not_flood_the_queue_with_rows_just_handed_over(
    person, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        approved(person)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert outbox_sweep()["dispatched"] == 0
    assert callbacks == []
    later = timezone.now() + timedelta(minutes=3)
    with django_capture_on_commit_callbacks(execute=False):
        assert outbox_sweep(now=later)["dispatched"] == 1


def test_row_left_sending_by_a_dead_worker_is_sent_again_at_least_once(
    person, django_capture_on_commit_callbacks, settings
):
    """The documented choice: after the timeout a 'sending' row is sent again, same Message-ID."""
    settings.MESSAGING_SENDING_TIMEOUT = 300
    with django_capture_on_commit_callbacks(execute=False):
        message = approved(person)
    started = timezone.now() - timedelta(minutes=6)
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=Status.SENDING, attempts=1, sending_started_at=started
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = outbox_sweep()
    assert result["recovered"] == 1
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.attempts == 2
    assert "at-least-once" in message.last_error or message.last_error == ""
    assert str(message.correlation_id) in mail.outbox[0].extra_headers["Message-ID"]


def test_row_sending_within_the_timeout_is_left_to_its_worker(
    person, django_capture_on_commit_callbacks, settings
):
    settings.MESSAGING_SENDING_TIMEOUT = 300
    with django_capture_on_commit_callbacks(execute=False):
        message = approved(person)
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=Status.SENDING, attempts=1, sending_started_at=timezone.now() - timedelta(minutes=4)
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = outbox_sweep()
    assert result == {"recovered": 0, "gave_up": 0, "dispatched": 0}
    message.refresh_from_db()
    assert message.status == Status.SENDING
    assert mail.outbox == []
