"""The club's emails, one function per kind. Other apps call these inside their own services.

Each writes an outbox row in the caller's transaction (so a rolled-back change sends nothing)
and is idempotent: calling it twice for the same thing is one email. Writing a row is cheap;
the email itself is composed when it is sent (messaging.composing).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone

from .composing import absolute
from .kinds import MessageKind
from .models import OutboxMessage
from .rendering import RenderedMessage
from .services import message_enqueue

if TYPE_CHECKING:
    from club.models import Membership, User
    from events.models import Registration
    from mandate.models import Response


def _for_registration(kind: str, registration: Registration) -> OutboxMessage:
    return message_enqueue(
        kind=kind,
        about=f"registration:{registration.pk}",
        person=registration.person,
        exchange_id=registration.exchange_id,
    )


def registration_recorded(*, registration: Registration) -> OutboxMessage:
    """A new registration: a confirmed place (with the .ics), or a place on the waiting list."""
    if registration.status == "confirmed":
        return registration_confirmed(registration=registration)
    return waiting_list_joined(registration=registration)


def registration_confirmed(*, registration: Registration) -> OutboxMessage:
    return _for_registration(MessageKind.REGISTRATION_CONFIRMED, registration)


def waiting_list_joined(*, registration: Registration) -> OutboxMessage:
    return _for_registration(MessageKind.WAITING_LIST_JOINED, registration)


def waiting_list_promoted(*, registration: Registration) -> OutboxMessage:
    return _for_registration(MessageKind.WAITING_LIST_PROMOTED, registration)


def registration_cancelled(*, registration: Registration) -> OutboxMessage:
    return _for_registration(MessageKind.REGISTRATION_CANCELLED, registration)


def membership_decided(*, membership: Membership) -> OutboxMessage | None:
    """Approved or declined: tell the person. Other statuses send nothing."""
    kinds = {
        "approved": MessageKind.MEMBERSHIP_APPROVED,
        "declined": MessageKind.MEMBERSHIP_DECLINED,
    }
    kind = kinds.get(membership.status)
    if kind is None:
        return None
    decided = membership.decided_at
    context = {"placeholders": {"council": str(membership.council)}}
    if kind == MessageKind.MEMBERSHIP_APPROVED:
        context |= {"action_url": absolute("/"), "action_label": "Visit the club"}
    return message_enqueue(
        kind=kind,
        # One email per decision: approved again after leaving is a new one.
        about=f"membership:{membership.pk}:{decided:%Y%m%d%H%M%S}"
        if decided
        else f"membership:{membership.pk}",
        person=membership.person,
        context=context,
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


def mandate_invitation(*, response: Response) -> OutboxMessage:
    """Ask an invited person for their view in an Innovation Mandate round. One per response."""
    round_ = response.round
    closes = (
        f"The round closes on {round_.closes_on:%-d %B %Y}."
        if round_.closes_on
        else "The round stays open until the council closes it."
    )
    return message_enqueue(
        kind=MessageKind.MANDATE_INVITATION,
        about=f"mandate-response:{response.pk}",
        person=response.person,
        context={
            "placeholders": {
                "council": str(round_.council),
                "round": round_.title,
                "closes": closes,
            },
            "action_url": absolute(reverse("mandate:response", args=[round_.pk])),
            "action_label": "Give your view",
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
        prerendered=RenderedMessage(subject=subject, text=text, html=""),
    )


def account_email(
    *,
    to_email: str,
    purpose: str,
    subject: str,
    text: str,
    html: str = "",
    person: User | None = None,
) -> OutboxMessage:
    """One of allauth's emails (verification, sign-in code, password reset, account notices).

    Each call is a new message: ``purpose`` (allauth's template name) plus a fresh id make the
    key, so a second verification email to the same address (a resend, a new code) is its own
    row and never mistaken for a duplicate. A redelivered or retried task still sends a row at
    most once (the row lock in message_deliver). These cannot be switched off.
    """
    return message_enqueue(
        kind=MessageKind.ACCOUNT,
        about=f"{purpose}:{uuid.uuid4().hex}",
        to_email=to_email,
        person=person,
        prerendered=RenderedMessage(subject=subject, text=text, html=html),
    )
