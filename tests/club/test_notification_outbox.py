"""Membership and invitation emails are outbox rows written in the change's own transaction.

So a change that rolls back leaves no row, and a committed change has its row even if the
process dies before the after-commit hand-over to the broker (the sweep sends it later).
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from club.models import Membership, Role
from club.services import (
    invitation_create,
    membership_approve,
    membership_decline,
    membership_request,
)
from messaging.kinds import MessageKind
from messaging.models import OutboxMessage
from messaging.services import outbox_sweep

pytestmark = pytest.mark.django_db

Status = OutboxMessage.Status


class Crash(Exception):
    pass


def test_rolled_back_approval_writes_no_row_and_a_committed_one_exactly_one(
    pending, council_admin, django_capture_on_commit_callbacks
):
    with pytest.raises(Crash), transaction.atomic():
        membership_approve(membership=pending, by=council_admin)
        # Written inside the transaction, before anything commits...
        assert OutboxMessage.objects.filter(kind=MessageKind.MEMBERSHIP_APPROVED).count() == 1
        raise Crash  # ...and gone with it when the change fails later on.
    pending.refresh_from_db()
    assert pending.status == Membership.Status.PENDING
    assert not OutboxMessage.objects.exists()

    # The committed approval: its row exists before any after-commit callback has run, so a
    # process lost between commit and the hand-over to the broker loses nothing.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        membership_approve(membership=pending, by=council_admin)
    row = OutboxMessage.objects.get()
    assert (row.kind, row.person, row.status) == (
        MessageKind.MEMBERSHIP_APPROVED,
        pending.person,
        Status.QUEUED,
    )
    assert mail.outbox == []
    assert len(callbacks) == 1  # the hand-over to the broker, and nothing else

    # Pretend that hand-over never happened: the sweep finds the row and it goes, once.
    with django_capture_on_commit_callbacks(execute=True):
        outbox_sweep(now=timezone.now() + timedelta(minutes=5))
    row.refresh_from_db()
    assert row.status == Status.SENT
    assert [m.to for m in mail.outbox] == [[pending.person.email]]
    with django_capture_on_commit_callbacks(execute=True):
        callbacks[0]()  # the late hand-over arrives after all: nothing more is sent
        outbox_sweep(now=timezone.now() + timedelta(minutes=10))
    assert len(mail.outbox) == 1


def test_rolled_back_invitation_writes_no_row_and_a_committed_one_exactly_one(
    council, council_admin, django_capture_on_commit_callbacks
):
    with pytest.raises(Crash), transaction.atomic():
        invitation_create(
            council=council, email="ailsa@clacks.gov.uk", role=Role.OFFICER, by=council_admin
        )
        raise Crash
    assert not OutboxMessage.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(
            council=council, email="ailsa@clacks.gov.uk", role=Role.OFFICER, by=council_admin
        )
    row = OutboxMessage.objects.get()
    assert (row.kind, row.to_email, row.status) == (
        MessageKind.JOIN_INVITATION,
        "ailsa@clacks.gov.uk",
        Status.SENT,
    )
    assert [m.to for m in mail.outbox] == [["ailsa@clacks.gov.uk"]]
    assert f"/club/invitations/{invitation.token}/" in mail.outbox[0].body


def test_asking_again_after_a_decline_tells_the_council_admin_again(
    pending, council_admin, django_capture_on_commit_callbacks
):
    """Each request is its own email: the second is not taken for a duplicate of the first."""
    person, council = pending.person, pending.council
    for _ in range(2):
        membership_decline(membership=pending, by=council_admin)
        with django_capture_on_commit_callbacks(execute=True):
            pending = membership_request(person=person, council=council, role=Role.OFFICER)
    asks = [m for m in mail.outbox if "asks to join" in m.subject]
    assert [m.to for m in asks] == [[council_admin.email]] * 2
    assert OutboxMessage.objects.filter(kind=MessageKind.NOTICE, status=Status.SENT).count() == 2
