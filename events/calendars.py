"""Calendar files (RFC 5545) and add-to-calendar links for Exchanges, built with icalendar.

Times are written in UK local time with a VTIMEZONE for Europe/London, so calendars show 10 am
as 10 am on both sides of the clock change. The UID stays the same for the life of an Exchange
and SEQUENCE rises whenever its time, place or cancellation changes (see ExchangePage.save).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest
from icalendar import Calendar, Event

from .models import ExchangeFormat, ExchangePage

UK = ZoneInfo("Europe/London")
PRODID = "-//Innovation Club//Exchanges//EN"


def exchange_uid(*, exchange: ExchangePage) -> str:
    """Stable for the life of the Exchange: its id never changes, whatever editors edit."""
    host = urlsplit(settings.SITE_BASE_URL).hostname or "innovation-club"
    return f"exchange-{exchange.pk}@{host}"


def exchange_absolute_url(*, exchange: ExchangePage, request: HttpRequest | None = None) -> str:
    # With the request, Wagtail reads the sites from it (kept per process while a page is served)
    # rather than from the cache.
    return exchange.get_full_url(request) or f"{settings.SITE_BASE_URL}{exchange.url or ''}"


def exchange_location(*, exchange: ExchangePage) -> str:
    place = ", ".join(
        part for part in (exchange.venue_name, " ".join(exchange.venue_address.split())) if part
    )
    if exchange.format == ExchangeFormat.ONLINE:
        return "Online"
    if exchange.format == ExchangeFormat.HYBRID:
        return f"{place} and online" if place else "Online and in person"
    return place


def _description(*, exchange: ExchangePage, include_joining_details: bool, url: str) -> str:
    parts = [exchange.summary]
    if exchange.format != ExchangeFormat.IN_PERSON:
        if include_joining_details and exchange.online_joining_details:
            parts.append(f"Joining online:\n{exchange.online_joining_details}")
        else:
            parts.append("Joining details for online attendees are on the Exchange's page.")
    parts.append(url)
    return "\n\n".join(p for p in parts if p)


def _event(*, exchange: ExchangePage, include_joining_details: bool, stamp: datetime) -> Event:
    url = exchange_absolute_url(exchange=exchange)
    event = Event()
    event.add("uid", exchange_uid(exchange=exchange))
    event.add("sequence", exchange.calendar_sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", exchange.starts_at.astimezone(UK))
    event.add("dtend", exchange.ends_at.astimezone(UK))
    event.add("summary", f"Exchange: {exchange.title}")
    event.add(
        "description",
        _description(exchange=exchange, include_joining_details=include_joining_details, url=url),
    )
    location = exchange_location(exchange=exchange)
    if location:
        event.add("location", location)
    event.add("url", url)
    event.add("status", "CANCELLED" if exchange.is_cancelled else "CONFIRMED")
    return event


def _calendar(*, name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    return calendar


def _finish(calendar: Calendar, exchanges: list[ExchangePage]) -> bytes:
    if exchanges:
        # Enough clock-change rules to cover every event here, not fifty years of them.
        first = min(e.starts_at for e in exchanges).date() - timedelta(days=366)
        last = max(e.ends_at for e in exchanges).date() + timedelta(days=366)
        calendar.add_missing_timezones(first_date=first, last_date=last)
    return calendar.to_ical()


def exchange_ics(*, exchange: ExchangePage, include_joining_details: bool = False) -> bytes:
    """One Exchange as an .ics file: the download on its page, and the registration email's.

    Pass include_joining_details only for a confirmed attendee: the online link is theirs.
    """
    calendar = _calendar(name=exchange.title)
    calendar.add("method", "PUBLISH")
    calendar.add_component(
        _event(
            exchange=exchange,
            include_joining_details=include_joining_details,
            stamp=datetime.now(UTC),
        )
    )
    return _finish(calendar, [exchange])


def member_feed_ics(*, exchanges: Iterable[ExchangePage]) -> bytes:
    """A member's private feed: every Exchange they hold a confirmed place at."""
    exchanges = list(exchanges)
    calendar = _calendar(name="My Innovation Club Exchanges")
    # Calendar apps poll feeds; a few hours keeps changes flowing without hammering the site.
    calendar.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT6H")
    stamp = datetime.now(UTC)
    for exchange in exchanges:
        calendar.add_component(_event(exchange=exchange, include_joining_details=True, stamp=stamp))
    return _finish(calendar, exchanges)


def _utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def add_to_calendar_links(
    *, exchange: ExchangePage, ics_url: str, request: HttpRequest | None = None
) -> list[dict[str, str]]:
    """Links for the big calendar services, and the .ics file for everything else."""
    url = exchange_absolute_url(exchange=exchange, request=request)
    details = f"{exchange.summary}\n\n{url}"
    location = exchange_location(exchange=exchange)
    google = "https://calendar.google.com/calendar/render?" + urlencode(
        {
            "action": "TEMPLATE",
            "text": exchange.title,
            "dates": f"{_utc_stamp(exchange.starts_at)}/{_utc_stamp(exchange.ends_at)}",
            "details": details,
            "location": location,
        }
    )
    outlook = "https://outlook.office.com/calendar/deeplink/compose?" + urlencode(
        {
            "path": "/calendar/action/compose",
            "rru": "addevent",
            "subject": exchange.title,
            "startdt": exchange.starts_at.astimezone(UTC).isoformat(),
            "enddt": exchange.ends_at.astimezone(UTC).isoformat(),
            "body": details,
            "location": location,
        }
    )
    return [
        {"label": "Google Calendar", "url": google},
        {"label": "Outlook", "url": outlook},
        {"label": "Apple, Outlook desktop and others (.ics file)", "url": ics_url},
    ]
