"""Who may do what with an Exchange's registrations. Pure reads, shared by services and pages."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.formats import date_format

from club.models import Membership
from club.selectors import person_admin_councils

from .models import ExchangePage, Registration

if TYPE_CHECKING:
    from club.models import User

EDITOR_PERMISSION = "events.change_registration"


def is_events_editor(*, user: User) -> bool:
    """Editors at the improvement body: they run the attendee lists in the admin."""
    return bool(getattr(user, "is_authenticated", False) and user.has_perm(EDITOR_PERMISSION))


def _uk(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "l j F Y, g:i a")


def registration_window_refusal(*, exchange: ExchangePage, now: datetime | None = None) -> str:
    """Why nobody can register for this Exchange right now; empty when registration is open."""
    now = now or timezone.now()
    if exchange.is_cancelled:
        return "This Exchange has been cancelled, so registration is closed."
    if now >= exchange.starts_at:
        return "This Exchange has already started, so registration is closed."
    if exchange.registration_opens_at and now < exchange.registration_opens_at:
        return f"Registration opens on {_uk(exchange.registration_opens_at)} (UK time)."
    if exchange.registration_closes_at and now >= exchange.registration_closes_at:
        return f"Registration closed on {_uk(exchange.registration_closes_at)} (UK time)."
    return ""


def own_membership(*, person: User) -> Membership | None:
    """The approved membership a person's own place counts against (the earliest they hold)."""
    if not getattr(person, "is_authenticated", False):
        return None
    return (
        Membership.objects.filter(person=person, status=Membership.Status.APPROVED)
        .select_related("council")
        .order_by("created_at", "pk")
        .first()
    )


def colleague_membership(*, admin: User, person: User) -> Membership | None:
    """The person's approved membership of a council the admin administers, if there is one."""
    return (
        Membership.objects.filter(
            person=person,
            status=Membership.Status.APPROVED,
            council__in=person_admin_councils(person=admin),
        )
        .select_related("council")
        .order_by("created_at", "pk")
        .first()
    )


def may_cancel(*, user: User, registration: Registration) -> bool:
    """The person themselves, an admin of the council the place counts against, or an editor."""
    if not getattr(user, "is_authenticated", False):
        return False
    if registration.person_id == user.pk or is_events_editor(user=user):
        return True
    return (
        registration.council_id is not None
        and person_admin_councils(person=user).filter(pk=registration.council_id).exists()
    )
