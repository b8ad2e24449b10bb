"""The club's emails, one function per kind. Other apps call these inside their own services.

Each writes an outbox row in the caller's transaction (so a rolled-back change sends nothing)
and is idempotent: calling it twice for the same thing is one email.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone
from django.utils.html import strip_tags

from .kinds import MessageKind
from .models import OutboxMessage
from .rendering import RenderedMessage
from .services import message_enqueue

if TYPE_CHECKING:
    from club.models import Membership, User
    from events.models import ExchangePage, Registration


def exchange_url(*, exchange: ExchangePage) -> str:
    url = exchange.get_url() or ""
    return url if url.startswith("http") else settings.SITE_BASE_URL + url


def exchange_context(*, exchange: ExchangePage, **extra: Any) -> dict[str, Any]:
    """What every email about an Exchange shows: title, times (UK), format, venue, link."""
    return {
        "exchange": exchange,
        "exchange_url": exchange_url(exchange=exchange),
        "starts_at": timezone.localtime(exchange.starts_at),
        "ends_at": timezone.localtime(exchange.ends_at),
        "placeholders": {"exchange": exchange.title},
        **extra,
    }


def ics_attachment(*, exchange: ExchangePage) -> dict[str, str]:
    """The Exchange as a calendar file, with joining details (the person has a seat)."""
    from events.calendars import exchange_ics

    content = exchange_ics(exchange=exchange, include_joining_details=True)
    return {
        "filename": "exchange.ics",
        "mimetype": "text/calendar; method=PUBLISH",
        "content": content.decode() if isinstance(content, bytes) else content,
    }


def _about_registration(registration: Registration) -> str:
    return f"registration:{registration.pk}"


def registration_confirmed(*, registration: Registration) -> OutboxMessage:
    exchange = registration.exchange
    return message_enqueue(
        kind=MessageKind.REGISTRATION_CONFIRMED,
        about=_about_registration(registration),
        person=registration.person,
        exchange=exchange,
        context=exchange_context(
            exchange=exchange,
            action_url=exchange_url(exchange=exchange),
            action_label="See the Exchange",
        ),
        attachments=[ics_attachment(exchange=exchange)],
    )


def waiting_list_joined(*, registration: Registration) -> OutboxMessage:
    exchange = registration.exchange
    return message_enqueue(
        kind=MessageKind.WAITING_LIST_JOINED,
        about=_about_registration(registration),
        person=registration.person,
        exchange=exchange,
        context=exchange_context(exchange=exchange),
    )


def waiting_list_promoted(*, registration: Registration) -> OutboxMessage:
    exchange = registration.exchange
    return message_enqueue(
        kind=MessageKind.WAITING_LIST_PROMOTED,
        about=_about_registration(registration),
        person=registration.person,
        exchange=exchange,
        context=exchange_context(exchange=exchange),
        attachments=[ics_attachment(exchange=exchange)],
    )


def registration_cancelled(*, registration: Registration) -> OutboxMessage:
    exchange = registration.exchange
    return message_enqueue(
        kind=MessageKind.REGISTRATION_CANCELLED,
        about=_about_registration(registration),
        person=registration.person,
        exchange=exchange,
        context=exchange_context(exchange=exchange),
    )


def membership_decided(*, membership: Membership) -> OutboxMessage | None:
    """Approved or declined: tell the person. Other statuses send nothing."""
    kinds = {
        "approved": MessageKind.MEMBERSHIP_APPROVED,
        "declined": MessageKind.MEMBERSHIP_DECLINED,
    }
    kind = kinds.get(membership.status)
    if kind is None:
        return None
    return message_enqueue(
        kind=kind,
        # One email per decision: approved again after leaving is a new one.
        about=f"membership:{membership.pk}:{membership.decided_at:%Y%m%d%H%M%S}"
        if membership.decided_at
        else f"membership:{membership.pk}",
        person=membership.person,
        context={
            "placeholders": {"council": str(membership.council)},
            "action_url": settings.SITE_BASE_URL + "/"
            if kind == MessageKind.MEMBERSHIP_APPROVED
            else "",
            "action_label": "Visit the club",
        },
    )


def join_invitation(
    *,
    email: str,
    about: str,
    accept_url: str,
    council: str,
    invited_by: User | None = None,
    expires_at: datetime | None = None,
) -> OutboxMessage:
    """Invite someone without an account (yet) to join the club under a council."""
    expires = timezone.localtime(expires_at).strftime("%-d %B %Y") if expires_at else "it expires"
    return message_enqueue(
        kind=MessageKind.JOIN_INVITATION,
        about=about,
        to_email=email,
        context={
            "placeholders": {
                "council": council,
                "first_name": "colleague",
                "inviter": (invited_by.get_full_name() if invited_by else "") or "A colleague",
                "expires": expires,
            },
            "action_url": accept_url,
            "action_label": "Accept the invitation",
        },
    )


def notice(
    *, to_email: str, about: str, subject: str, text: str, person: User | None = None
) -> OutboxMessage:
    """An email another app wrote itself (subject and plain text), sent through the outbox."""
    return message_enqueue(
        kind=MessageKind.NOTICE,
        about=about,
        to_email=to_email,
        person=person,
        context={
            "prerendered": RenderedMessage(subject=" ".join(subject.split()), text=text, html="")
        },
    )


def plain_text(html: str) -> str:
    """Rich text as readable plain text for the text part of an email."""
    return "\n".join(line.strip() for line in strip_tags(html).splitlines() if line.strip())
