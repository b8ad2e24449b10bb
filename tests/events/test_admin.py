"""Editors' tools: attendee lists, counts, CSV export, check-in, hand cancels and promotions."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils.html import escape

from club.factories import CouncilFactory
from club.models import Role
from events.factories import ExchangePageFactory, SpeakerFactory
from events.models import Registration, RegistrationStatus, Speaker
from events.services import registration_check_in, registration_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def filled(exchange_index, council, other_council, make_member, editor):
    """Three confirmed (two councils), one waiting, one cancelled, one checked in."""
    exchange = ExchangePageFactory(
        parent=exchange_index, capacity=3, editor_question="What should we cover?"
    )
    first = registration_create(
        exchange=exchange,
        person=make_member(council, role=Role.CHIEF_EXECUTIVE),
        access_needs="=HYPERLINK(1)",
        question_answer="Income generation",
    )
    registration_create(exchange=exchange, person=make_member(council))
    registration_create(exchange=exchange, person=make_member(other_council))
    waiting = registration_create(exchange=exchange, person=make_member(other_council))
    gone = registration_create(exchange=exchange, person=make_member(council))
    Registration.objects.filter(pk=gone.pk).update(status=RegistrationStatus.CANCELLED)
    registration_check_in(registration=first, by=editor, attended=True)
    return exchange, first, waiting


def test_csv_opens_with_the_csv_module_and_matches_the_database(client, filled, editor):
    exchange, first, _ = filled
    client.force_login(editor)
    response = client.get(reverse("events_admin:csv", args=[exchange.pk]))
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    stored = Registration.objects.filter(exchange=exchange).select_related("person", "council")
    assert len(rows) == stored.count() == 5
    by_id = {int(row["registration id"]): row for row in rows}
    for registration in stored:
        row = by_id[registration.pk]
        assert row["email"] == registration.person.email
        assert row["status"] == registration.get_status_display()
        assert row["council"] == registration.council.name
        assert row["role"] == registration.get_role_display()
        assert bool(row["checked in at"]) is bool(registration.attended_at)
    assert by_id[first.pk]["answer to the editor's question"] == "Income generation"
    # Free text that a spreadsheet would run as a formula is defused.
    assert by_id[first.pk]["access needs"] == "'=HYPERLINK(1)"


def test_attendee_page_lists_people_and_counts(client, filled, editor, council, other_council):
    exchange, first, waiting = filled
    client.force_login(editor)
    body = client.get(reverse("events_admin:attendees", args=[exchange.pk])).content.decode()
    assert "Confirmed (3)" in body and "Waiting list (1)" in body and "Cancelled (1)" in body
    assert first.person.email in body and waiting.person.email in body
    assert council.name in body and other_council.name in body
    assert "Chief executive" in body


def test_cancel_by_hand_promotes_the_waiting_person(client, filled, editor):
    exchange, first, waiting = filled
    client.force_login(editor)
    response = client.post(reverse("events_admin:cancel", args=[first.pk]), follow=True)
    assert "Moved up from the waiting list" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED


def test_promote_by_hand_refuses_when_full_and_says_why(client, filled, editor):
    exchange, _, waiting = filled
    client.force_login(editor)
    response = client.post(reverse("events_admin:promote", args=[waiting.pk]), follow=True)
    assert "All 3 seats are taken" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.WAITING


def test_check_in_on_the_day(client, filled, editor):
    exchange, first, _ = filled
    client.force_login(editor)
    url = reverse("events_admin:check_in", args=[exchange.pk])
    body = client.get(url).content.decode()
    assert "1</strong> of 3 checked in" in body
    second = exchange.registrations.filter(status="confirmed", attended_at__isnull=True).first()
    client.post(reverse("events_admin:check_in_toggle", args=[second.pk]), {"attended": "yes"})
    second.refresh_from_db()
    assert second.attended_at is not None
    client.post(reverse("events_admin:check_in_toggle", args=[first.pk]), {"attended": "no"})
    first.refresh_from_db()
    assert first.attended_at is None
    # The name filter: searching one attendee's address shows them and no one else.
    found = client.get(url, {"q": second.person.email}).content.decode()
    assert escape(second.person.get_full_name()) in found
    assert "of 1 checked in" in found
    assert f"registration-{first.pk}" not in found


def test_programme_report_counts_councils(client, filled, editor, council, exchange_index):
    exchange, _, _ = filled
    client.force_login(editor)
    body = client.get(reverse("events_admin:report")).content.decode()
    assert council.name in body
    assert "Councils taking part" in body
    elsewhere = CouncilFactory(name="Never Came Council")
    assert elsewhere.name not in body


def test_exchange_list_and_menu(client, filled, editor):
    exchange, _, _ = filled
    client.force_login(editor)
    body = client.get(reverse("events_admin:exchanges")).content.decode()
    assert exchange.title in body
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Exchange attendees" in home


def test_editor_adds_a_speaker_through_the_snippet_form(client, editor):
    client.force_login(editor)
    url = reverse("wagtailsnippets_events_speaker:add")
    response = client.post(
        url,
        {
            "name": "Morag Lindsay",
            "role": "Director",
            "organisation": "A regional bank",
            "sector": "private",
            "is_guest_from_another_sector": "on",
            "bio": "",
        },
    )
    assert response.status_code == 302
    speaker = Speaker.objects.get(name="Morag Lindsay")
    assert speaker.is_guest_from_another_sector and str(speaker) == "Morag Lindsay, A regional bank"
    assert SpeakerFactory().pk


def test_exchange_edit_page_has_attendee_and_check_in_buttons(client, filled, editor):
    exchange, _, _ = filled
    client.force_login(editor)
    body = client.get(reverse("wagtailadmin_pages:edit", args=[exchange.pk])).content.decode()
    assert reverse("events_admin:attendees", args=[exchange.pk]) in body
    assert reverse("events_admin:check_in", args=[exchange.pk]) in body
