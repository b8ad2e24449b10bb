"""The .ics files and private feeds parse, keep their UID, raise SEQUENCE, and tell UK time."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from events.calendars import exchange_ics, exchange_uid, member_feed_ics
from events.factories import ExchangePageFactory
from events.models import CalendarFeed, ExchangeFormat
from events.services import (
    calendar_feed_renew,
    calendar_feed_revoke,
    registration_cancel,
    registration_create,
)

pytestmark = pytest.mark.django_db

UK = ZoneInfo("Europe/London")


def _clock_change_day() -> date:
    """The next last Sunday of March: when the UK moves from GMT to BST."""
    year = timezone.now().year + 1
    day = date(year, 3, 31)
    while day.weekday() != 6:
        day -= timedelta(days=1)
    return day


def _exchange_at(exchange_index, day: date, **fields):
    starts = datetime.combine(day, time(10, 0), tzinfo=UK)
    return ExchangePageFactory(
        parent=exchange_index,
        starts_at=starts,
        ends_at=starts + timedelta(hours=6),
        registration_opens_at=timezone.now() - timedelta(days=1),
        registration_closes_at=starts - timedelta(days=1),
        **fields,
    )


def _events(payload: bytes):
    calendar = Calendar.from_ical(payload)
    return calendar, list(calendar.walk("VEVENT"))


@pytest.fixture
def either_side(exchange_index):
    change = _clock_change_day()
    before = _exchange_at(exchange_index, change - timedelta(days=5), title="Before the change")
    after = _exchange_at(exchange_index, change + timedelta(days=2), title="After the change")
    return before, after


def test_ics_gives_ten_am_uk_time_either_side_of_the_clock_change(either_side):
    before, after = either_side
    for exchange, utc_hour in ((before, 10), (after, 9)):
        calendar, (event,) = _events(exchange_ics(exchange=exchange))
        start = event.decoded("dtstart")
        assert (start.hour, start.minute) == (10, 0)
        assert start.astimezone(UTC).hour == utc_hour
        assert event.decoded("dtend").astimezone(UK).hour == 16
        assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
        assert str(event["uid"]) == exchange_uid(exchange=exchange)
        assert str(event["url"]).endswith(exchange.url)
        assert calendar["VERSION"] == "2.0" and calendar["METHOD"] == "PUBLISH"


def test_uid_stays_and_sequence_rises_only_when_time_or_place_changes(exchange_index):
    exchange = _exchange_at(exchange_index, _clock_change_day() + timedelta(days=9))
    uid = exchange_uid(exchange=exchange)
    assert exchange.calendar_sequence == 0

    exchange.title = "A new title"
    exchange.save_revision().publish()
    exchange.refresh_from_db()
    assert exchange.calendar_sequence == 0

    exchange.starts_at += timedelta(hours=1)
    exchange.save_revision()  # a draft changes nothing anyone's calendar shows
    exchange.refresh_from_db()
    assert exchange.calendar_sequence == 0

    exchange.starts_at += timedelta(hours=1)
    exchange.save_revision().publish()
    exchange.refresh_from_db()
    assert exchange.calendar_sequence == 1

    exchange.venue_name = "Somewhere else"
    revision = exchange.save_revision()
    revision.publish()
    exchange.refresh_from_db()
    assert exchange.calendar_sequence == 2
    # Publishing an older revision again restores old values, never an older sequence.
    exchange.summary = "Changed words only"
    exchange.save_revision().publish()
    exchange.refresh_from_db()
    assert exchange.calendar_sequence == 2

    _, (event,) = _events(exchange_ics(exchange=exchange))
    assert str(event["uid"]) == uid
    assert int(event["sequence"]) == 2


def test_cancelled_exchange_says_so_in_the_calendar(exchange_index):
    exchange = _exchange_at(exchange_index, _clock_change_day() + timedelta(days=9))
    exchange.is_cancelled = True
    exchange.save_revision().publish()
    exchange.refresh_from_db()
    _, (event,) = _events(exchange_ics(exchange=exchange))
    assert str(event["status"]) == "CANCELLED"
    assert int(event["sequence"]) == 1


def test_joining_details_only_in_the_attendee_copy(exchange_index):
    exchange = _exchange_at(
        exchange_index,
        _clock_change_day() + timedelta(days=9),
        format=ExchangeFormat.ONLINE,
        online_joining_details="https://meet.example/secret-room",
    )
    public = exchange_ics(exchange=exchange).decode()
    attendee = exchange_ics(exchange=exchange, include_joining_details=True).decode()
    assert "secret-room" not in public
    assert "secret-room" in attendee.replace("\r\n ", "")


def test_ics_download_view(client, member, exchange_index):
    exchange = _exchange_at(
        exchange_index,
        _clock_change_day() + timedelta(days=9),
        format=ExchangeFormat.HYBRID,
        online_joining_details="https://meet.example/secret-room",
    )
    url = reverse("events:exchange_ics", args=[exchange.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert b"secret-room" not in response.content
    registration_create(exchange=exchange, person=member)
    client.force_login(member)
    assert b"secret-room" in client.get(url).content.replace(b"\r\n ", b"")


def test_private_feed_lists_confirmed_exchanges_in_uk_time(
    client, either_side, make_member, council
):
    before, after = either_side
    before.capacity = 1
    before.save_revision().publish()
    person = make_member(council)
    registration_create(exchange=before, person=make_member(council))  # takes the only seat
    waiting = registration_create(exchange=before, person=person)
    registration_create(exchange=after, person=person)

    feed = calendar_feed_renew(person=person)
    response = client.get(reverse("events:feed", args=[feed.token]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    calendar, events = _events(response.content)
    assert [str(e["summary"]) for e in events] == [f"Exchange: {after.title}"]
    assert events[0].decoded("dtstart").hour == 10

    # The waiting place becomes confirmed when the seat holder cancels: it appears in the feed.
    holder = before.registrations.get(status="confirmed")
    registration_cancel(registration=holder, by=holder.person)
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"
    _, events = _events(client.get(reverse("events:feed", args=[feed.token])).content)
    starts = {str(e["summary"]): e.decoded("dtstart") for e in events}
    assert starts[f"Exchange: {before.title}"].astimezone(UTC).hour == 10  # GMT
    assert starts[f"Exchange: {after.title}"].astimezone(UTC).hour == 9  # BST


def test_feed_address_is_revocable(client, member):
    old = calendar_feed_renew(person=member).token
    new = calendar_feed_renew(person=member).token
    assert old != new and len(new) >= 40
    assert client.get(reverse("events:feed", args=[old])).status_code == 404
    assert client.get(reverse("events:feed", args=[new])).status_code == 200
    calendar_feed_revoke(person=member)
    assert client.get(reverse("events:feed", args=[new])).status_code == 404
    assert not CalendarFeed.objects.exists()


def test_empty_feed_still_parses():
    calendar = Calendar.from_ical(member_feed_ics(exchanges=[]))
    assert list(calendar.walk("VEVENT")) == []
