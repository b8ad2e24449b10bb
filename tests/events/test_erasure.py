"""When a member erases their account, their seat goes to the queue and their words go."""

import pytest

from club.selectors import person_data_export
from club.services import person_erase
from events.factories import ExchangePageFactory
from events.models import CalendarFeed, Registration, RegistrationStatus
from events.services import calendar_feed_renew, registration_create

pytestmark = pytest.mark.django_db


def test_erasure_frees_the_seat_and_clears_what_they_wrote(exchange_index, council, make_member):
    exchange = ExchangePageFactory(parent=exchange_index, capacity=1)
    leaving = make_member(council)
    registration = registration_create(
        exchange=exchange, person=leaving, access_needs="Wheelchair user", dietary_needs="Halal"
    )
    waiting = registration_create(exchange=exchange, person=make_member(council))
    calendar_feed_renew(person=leaving)

    person_erase(person=leaving)

    registration.refresh_from_db()
    waiting.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
    assert (registration.access_needs, registration.dietary_needs) == ("", "")
    assert registration.council == council  # the programme report keeps its numbers
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert not CalendarFeed.objects.exists()
    assert Registration.objects.filter(exchange=exchange, status="confirmed").count() == 1


def test_download_my_data_includes_registrations(exchange, member):
    registration_create(exchange=exchange, person=member, dietary_needs="Vegetarian")
    data = person_data_export(person=member)
    (row,) = data["exchange_registrations"]
    assert row["exchange"] == exchange.title
    assert row["dietary_needs"] == "Vegetarian"
    assert row["status"] == "confirmed"
