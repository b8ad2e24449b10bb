"""Case-study notices are written in the caller's transaction, like every other email."""

import pytest
from django.core import mail
from django.db import transaction

from casestudies.factories import CaseStudyPageFactory
from casestudies.notifications import notify_submission_outcome, notify_submission_received
from club.factories import UserFactory
from messaging.kinds import MessageKind
from messaging.models import OutboxMessage


@pytest.fixture
def submitted(case_study_index):
    member = UserFactory(first_name="Ailsa", email="ailsa@clacks.gov.uk")
    page = CaseStudyPageFactory(parent=case_study_index, title="Be the Future", live=False)
    page.submitted_by = member
    page.save_revision(user=member)
    return page


def notices():
    return OutboxMessage.objects.filter(kind=MessageKind.NOTICE, key__contains="case-study:")


def test_a_rolled_back_submission_leaves_no_row_and_sends_nothing(
    submitted, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify_submission_received(page=submitted)
        # Written now, inside the transaction, not later in a callback.
        assert notices().count() == 1
        raise RuntimeError("the submission failed after the notice")
    assert notices().count() == 0
    assert callbacks == []  # nothing left to deliver
    assert mail.outbox == []


def test_a_committed_submission_writes_exactly_one_row_and_one_email(
    submitted, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notify_submission_received(page=submitted)
        notify_submission_received(page=submitted)  # asked twice: still one email
        assert notices().count() == 1
    row = notices().get()
    assert row.status == OutboxMessage.Status.SENT
    assert row.person == submitted.submitted_by and row.to_email == "ailsa@clacks.gov.uk"
    assert [m.to for m in mail.outbox] == [["ailsa@clacks.gov.uk"]]
    assert mail.outbox[0].subject == "We have your case study: Be the Future"


def test_each_outcome_is_its_own_email(submitted, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify_submission_outcome(page=submitted, approved=False, comment="Add the figures.")
        notify_submission_outcome(page=submitted, approved=True)
        notify_submission_outcome(page=submitted, approved=True)
    assert notices().count() == 2
    assert sorted(m.subject for m in mail.outbox) == [
        "Your case study is approved: Be the Future",
        "Your case study needs changes: Be the Future",
    ]
    assert "Add the figures." in next(m.body for m in mail.outbox if "changes" in m.subject)


def test_no_row_for_a_page_nobody_submitted(case_study_index):
    page = CaseStudyPageFactory(parent=case_study_index)
    notify_submission_received(page=page)
    assert notices().count() == 0
