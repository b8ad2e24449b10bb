"""allauth's own emails (verification, password reset, sign-in codes) go through the outbox."""

import re
from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from club.factories import DEFAULT_PASSWORD, UserFactory
from club.services import preferences_update
from messaging.kinds import MessageKind
from messaging.models import OutboxMessage
from messaging.services import message_deliver, outbox_sweep

pytestmark = pytest.mark.django_db

Status = OutboxMessage.Status
CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)")


@pytest.fixture
def unverified(db):
    person = UserFactory(email="isla.brown@clacks.gov.uk", first_name="Isla", verified=False)
    EmailAddress.objects.create(user=person, email=person.email, verified=False, primary=True)
    return person


def sign_in(client, person):
    return client.post(
        reverse("account_login"), {"login": person.email, "password": DEFAULT_PASSWORD}
    )


def test_password_reset_is_an_outbox_row_sent_after_commit_and_its_link_works(
    client, django_capture_on_commit_callbacks
):
    person = UserFactory(email="member@clacks.gov.uk")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("account_reset_password"), {"email": person.email})
    row = OutboxMessage.objects.get()
    assert (row.kind, row.person, row.to_email, row.status) == (
        MessageKind.ACCOUNT,
        person,
        person.email,
        Status.QUEUED,
    )
    assert "Password Reset" in row.subject  # written by allauth's templates, ready to send
    assert mail.outbox == []  # nothing goes before the request's transaction commits
    for callback in callbacks:
        callback()
    row.refresh_from_db()
    assert row.status == Status.SENT
    [email] = mail.outbox
    assert email.to == [person.email]
    assert email.extra_headers["X-Club-Correlation-ID"] == str(row.correlation_id)
    assert "List-Unsubscribe" not in email.extra_headers  # account mail cannot be switched off

    path = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", email.body).group(1)
    form = client.get(path, follow=True)
    assert form.status_code == 200
    new_password = "a-brand-new-pass-phrase-63"
    done = client.post(
        form.redirect_chain[-1][0], {"password1": new_password, "password2": new_password}
    )
    assert done.status_code == 302
    assert client.login(email=person.email, password=new_password)


def test_a_second_verification_email_is_not_taken_for_a_duplicate(
    client, unverified, django_capture_on_commit_callbacks
):
    """A resend is a new message with its own row; each row still goes out only once."""
    first_try = timezone.now()
    with time_machine.travel(first_try), django_capture_on_commit_callbacks(execute=True):
        sign_in(client, unverified)  # not verified yet: allauth sends the verification
    # allauth lets a verification be sent again after a few minutes.
    with (
        time_machine.travel(first_try + timedelta(minutes=5)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        sign_in(client, unverified)
    rows = OutboxMessage.objects.filter(kind=MessageKind.ACCOUNT, person=unverified)
    assert rows.count() == 2
    assert len({row.key for row in rows}) == 2
    assert set(rows.values_list("status", flat=True)) == {Status.SENT}
    assert [m.to for m in mail.outbox] == [[unverified.email]] * 2
    links = [CONFIRM_LINK.search(m.body).group(1) for m in mail.outbox]
    assert links[0] != links[1]

    # A task delivered again (a broker redelivery, a retry) and the sweep send nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        for row in rows:
            assert message_deliver(message_id=row.pk) == "skipped"
        outbox_sweep(now=timezone.now() + timedelta(hours=1))
    assert len(mail.outbox) == 2

    # The newest link verifies the address.
    assert client.post(links[1]).status_code == 302
    assert EmailAddress.objects.get(user=unverified).verified


def test_sign_in_codes_each_arrive_even_for_someone_who_opted_out_of_everything(
    client, django_capture_on_commit_callbacks
):
    person = UserFactory(email="leader@fife.gov.uk")
    preferences_update(
        person=person,
        receive_invitations=False,
        receive_reminders=False,
        receive_follow_ups=False,
        receive_case_study_digest=False,
    )
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("account_request_login_code"), {"email": person.email})
    assert OutboxMessage.objects.filter(kind=MessageKind.ACCOUNT, status=Status.SENT).count() == 2
    assert [m.to for m in mail.outbox] == [[person.email]] * 2
    assert mail.outbox[0].body != mail.outbox[1].body  # two different codes, both delivered
