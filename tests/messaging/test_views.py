"""One-click unsubscribe, the feedback form, the registration email's .ics and the admin."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from club.factories import MembershipFactory, UserFactory
from club.models import CommunicationPreferences
from events.factories import ExchangePageFactory
from events.services import registration_create
from messaging.kinds import MessageKind
from messaging.models import FeedbackResponse, OutboxMessage
from messaging.services import message_enqueue

from .helpers import register


def unsubscribe_link(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message_enqueue(kind=MessageKind.CASE_STUDY_DIGEST, about="digest:1", person=person)
    return mail.outbox[-1].extra_headers["List-Unsubscribe"].strip("<>")


def wants_digest(person) -> bool:
    return CommunicationPreferences.objects.get(person=person).receive_case_study_digest


def test_unsubscribe_link_asks_first_then_works_without_login(
    person, django_capture_on_commit_callbacks
):
    url = unsubscribe_link(person, django_capture_on_commit_callbacks)
    client = Client(enforce_csrf_checks=True)
    page = client.get(url)
    assert page.status_code == 200
    assert "Stop receiving the case-study digest?" in page.text
    assert wants_digest(person)  # a link scanner's GET changes nothing
    done = client.post(url)
    assert done.status_code == 200
    assert "no more the case-study digest" in done.text
    assert not wants_digest(person)


def test_mail_client_one_click_post(person, django_capture_on_commit_callbacks):
    """RFC 8058: a POST of List-Unsubscribe=One-Click, no cookies, no CSRF token."""
    url = unsubscribe_link(person, django_capture_on_commit_callbacks)
    response = Client(enforce_csrf_checks=True).post(
        url, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert not wants_digest(person)
    # Other kinds stay on.
    assert CommunicationPreferences.objects.get(person=person).receive_invitations


def test_tampered_unsubscribe_link_does_nothing(person, client, django_capture_on_commit_callbacks):
    url = unsubscribe_link(person, django_capture_on_commit_callbacks)
    response = client.post(url.rstrip("/") + "x/")
    assert response.status_code == 404
    assert wants_digest(person)


def test_registration_sends_one_confirmation_with_a_valid_ics(
    exchange_index, django_capture_on_commit_callbacks
):
    exchange = ExchangePageFactory(parent=exchange_index, venue_name="Kilncraigs, Alloa")
    person = MembershipFactory().person
    with django_capture_on_commit_callbacks(execute=True):
        registration_create(exchange=exchange, person=person)
    assert list(OutboxMessage.objects.values_list("status", "last_error")) == [("sent", "")]
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.subject == f"You are booked on {exchange.title}"
    assert "Kilncraigs, Alloa" in email.body
    (filename, content, mimetype) = email.attachments[0]
    assert filename == "exchange.ics"
    assert mimetype.startswith("text/calendar")
    calendar = Calendar.from_ical(content)
    event = next(iter(calendar.walk("VEVENT")))
    assert exchange.title in str(event["SUMMARY"])
    assert event.decoded("DTSTART") == exchange.starts_at.replace(microsecond=0)


def test_feedback_once_per_attendee_editable_until_it_closes(exchange_index, client):
    exchange = ExchangePageFactory(parent=exchange_index)
    attendee = UserFactory()
    register(exchange, attendee, attended=True)
    url = reverse("messaging:feedback", args=[exchange.pk])
    with time_machine.travel(exchange.ends_at + timedelta(days=1)):
        client.force_login(attendee)
        missing = client.post(url, {"most_useful": "The Clackmannanshire story"})
        assert missing.status_code == 200
        assert "Choose a rating from 1 to 5." in missing.text
        assert "The Clackmannanshire story" in missing.text  # nothing typed is lost
        client.post(url, {"rating": "4", "most_useful": "The panel", "what_next": "Housing"})
        client.post(url, {"rating": "5", "most_useful": "The panel", "what_next": "Housing"})
        assert FeedbackResponse.objects.get(exchange=exchange, person=attendee).rating == 5
    with time_machine.travel(exchange.ends_at + timedelta(days=30)):
        client.force_login(attendee)
        closed = client.post(url, {"rating": "1"})
        assert closed.status_code == 403
        assert "closed" in closed.text
    assert FeedbackResponse.objects.get().rating == 5


def test_feedback_is_only_for_people_who_came(exchange_index, client):
    exchange = ExchangePageFactory(parent=exchange_index)
    register(exchange, UserFactory(), attended=True)
    stranger = UserFactory()
    with time_machine.travel(exchange.ends_at + timedelta(days=1)):
        client.force_login(stranger)
        response = client.post(reverse("messaging:feedback", args=[exchange.pk]), {"rating": "5"})
    assert response.status_code == 403
    assert not FeedbackResponse.objects.exists()


@pytest.fixture
def editor_client(db, client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_editors_see_the_outbox_filtered_and_resend_a_failed_message(
    editor_client, person, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        failed = message_enqueue(
            kind=MessageKind.MEMBERSHIP_APPROVED, about="membership:9", person=person
        )
    OutboxMessage.objects.filter(pk=failed.pk).update(
        status=OutboxMessage.Status.FAILED, last_error="550 No such mailbox"
    )
    listing = editor_client.get(reverse("outbox:index"), {"status": "failed"})
    assert listing.status_code == 200
    assert person.email in listing.text
    assert (
        editor_client.get(reverse("outbox:index"), {"status": "sent"}).text.count(person.email) == 0
    )
    resend_url = reverse("messaging_admin:resend", args=[failed.pk])
    assert resend_url in listing.text
    assert editor_client.get(resend_url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(resend_url)
    failed.refresh_from_db()
    assert failed.status == OutboxMessage.Status.SENT
    assert editor_client.get(reverse("outbox:inspect", args=[failed.pk])).status_code == 200
    assert editor_client.get(reverse("outbox:add")).status_code in (302, 403, 404)


def test_editors_see_feedback_results_with_averages(editor_client, exchange_index):
    exchange = ExchangePageFactory(parent=exchange_index)
    for rating in (4, 5, 5):
        FeedbackResponse.objects.create(exchange=exchange, person=UserFactory(), rating=rating)
    index = editor_client.get(reverse("messaging_admin:feedback_index"))
    assert exchange.title in index.text
    results = editor_client.get(reverse("messaging_admin:feedback_results", args=[exchange.pk]))
    assert re.search(r"3 responses; average rating 4\.7 out of 5", results.text)
