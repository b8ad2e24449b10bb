"""Erasure forgets a person's emails but keeps the audit trail; their export lists them."""

import pytest
from django.core import mail
from django.utils import timezone

from club.factories import UserFactory
from club.selectors import person_data_export
from club.services import person_erase
from messaging import notifications
from messaging.kinds import MessageKind
from messaging.models import OutboxMessage
from messaging.privacy import ERASED_NOTE, ERASED_WHILE_SENDING_NOTE
from messaging.services import (
    _claim,
    _record_sent,
    message_deliver,
    message_resend,
    outbox_sweep,
)

Status = OutboxMessage.Status
ERASED = "erased-{}@erased.invalid"


@pytest.fixture
def other(db):
    return UserFactory(first_name="Grace", email="grace@council.gov.uk")


def _account_email(person, purpose="verification", text="Your code is 123456, Ada."):
    return notifications.account_email(
        to_email=person.email,
        person=person,
        purpose=purpose,
        subject="Confirm your email address",
        text=text,
        html=f"<p>{text}</p>",
    )


def _sent(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = _account_email(person, purpose="sent")
    row.refresh_from_db()
    assert row.status == Status.SENT and row.body_text
    return row


def test_erasure_blanks_address_and_bodies_but_keeps_the_audit_trail(
    person, other, django_capture_on_commit_callbacks
):
    sent = _sent(person, django_capture_on_commit_callbacks)
    failed = _account_email(person, purpose="failed")
    OutboxMessage.objects.filter(pk=failed.pk).update(
        status=Status.FAILED, attempts=1, last_error="550 5.1.1 <ADA@council.gov.uk>: unknown user"
    )
    joined = notifications.join_invitation(
        email="Ada@Council.gov.uk", about="invitation:7", accept_url="/join/x/", council="Clacks"
    )
    theirs = _account_email(other, purpose="other", text="Grace's code.")
    before = {
        row.pk: (row.status, row.created_at, row.sent_at, row.subject)
        for row in OutboxMessage.objects.all()
    }
    sent_at = sent.sent_at

    person_erase(person=person)

    rows = {row.pk: row for row in OutboxMessage.objects.all()}
    assert set(rows) == set(before)  # every row kept
    for pk in (sent.pk, failed.pk, joined.pk):
        row = rows[pk]
        assert row.to_email == ERASED.format(person.pk)
        assert (row.body_text, row.body_html, row.context, row.headers) == ("", "", {}, {})
        assert "ada@council.gov.uk" not in row.key.lower()
        assert row.person_id == person.pk
        _, created_at, _, subject = before[pk]
        assert (row.created_at, row.subject) == (created_at, subject)
    assert rows[sent.pk].status == Status.SENT and rows[sent.pk].sent_at == sent_at
    assert rows[failed.pk].status == Status.FAILED
    assert rows[failed.pk].last_error == f"550 5.1.1 <{ERASED.format(person.pk)}>: unknown user"
    # The invitation to join was still queued: suppressed, not sent.
    assert rows[joined.pk].status == Status.SUPPRESSED
    assert rows[joined.pk].last_error == ERASED_NOTE
    # Someone else's email is untouched.
    assert rows[theirs.pk].to_email == "grace@council.gov.uk"
    assert rows[theirs.pk].body_text == "Grace's code."
    assert rows[theirs.pk].status == Status.QUEUED
    # An editor cannot send the failed one again: there is no address left to send it to.
    with pytest.raises(ValueError, match="account was erased"):
        message_resend(message=rows[failed.pk])
    assert OutboxMessage.objects.get(pk=failed.pk).status == Status.FAILED


def test_a_message_queued_before_erasure_is_never_sent(person, django_capture_on_commit_callbacks):
    # Written and committed; its delivery task waits in the broker (the captured callback).
    with django_capture_on_commit_callbacks(execute=False) as pending:
        row = _account_email(person)
    assert len(pending) == 1

    person_erase(person=person)
    for deliver in pending:  # the broker hands the task out after the erasure
        deliver()
    assert message_deliver(message_id=row.pk) == "skipped"
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_sweep()["dispatched"] == 0

    row.refresh_from_db()
    assert row.status == Status.SUPPRESSED and row.attempts == 0
    assert mail.outbox == []


def test_a_message_in_flight_during_erasure_is_not_written_back(person):
    row = _account_email(person)
    claimed, _ = _claim([row.pk], timezone.now())  # a worker has it, about to send
    assert [m.pk for m in claimed] == [row.pk]

    person_erase(person=person)
    _record_sent(claimed[0])  # the worker's result arrives afterwards

    row.refresh_from_db()
    assert row.status == Status.SUPPRESSED
    assert row.last_error == ERASED_WHILE_SENDING_NOTE
    assert (row.to_email, row.body_text, row.body_html) == (ERASED.format(person.pk), "", "")
    # And the sweep does not pick it up again as a stuck "sending" row.
    assert outbox_sweep(now=timezone.now() + timezone.timedelta(hours=1))["recovered"] == 0


def test_the_data_export_lists_the_persons_emails_and_no_one_elses(
    person, other, django_capture_on_commit_callbacks
):
    sent = _sent(person, django_capture_on_commit_callbacks)
    notifications.join_invitation(
        email=person.email, about="invitation:8", accept_url="/join/y/", council="Clacks"
    )
    _account_email(other, purpose="other", text="Grace's code.")

    emails = person_data_export(person=person)["emails"]

    assert [(e["kind"], e["status"]) for e in emails] == [
        (MessageKind.ACCOUNT.label, Status.SENT.label),
        (MessageKind.JOIN_INVITATION.label, Status.QUEUED.label),
    ]
    assert emails[0]["subject"] == "Confirm your email address"
    assert emails[0]["to"] == person.email
    assert emails[0]["created_at"] == sent.created_at.isoformat()
    assert emails[0]["sent_at"] == sent.sent_at.isoformat()
    assert emails[1]["sent_at"] is None
    assert "grace" not in str(emails).lower()
