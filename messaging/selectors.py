"""Reads for messaging: who gets a bulk email, and the feedback results editors see."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import apps
from django.db.models import Avg, Count, Exists, OuterRef, QuerySet

from club.models import Membership, MembershipStatus, Role, User

if TYPE_CHECKING:
    from events.models import ExchangePage

# Which roles each Exchange audience is for. Guests from other sectors are invited one by one.
AUDIENCE_ROLES: dict[str, set[str]] = {
    "political": {Role.COUNCILLOR, Role.POLITICAL_LEADER},
    "managerial": {Role.CHIEF_EXECUTIVE, Role.DIRECTOR, Role.OFFICER},
}
AUDIENCE_ROLES["both"] = AUDIENCE_ROLES["political"] | AUDIENCE_ROLES["managerial"]

ACTIVE_REGISTRATION = ("confirmed", "waiting")


def _approved_club_members() -> QuerySet[User]:
    return User.objects.filter(
        is_active=True,
        memberships__status=Membership.Status.APPROVED,
        memberships__council__membership_status__in=[
            MembershipStatus.OWNER,
            MembershipStatus.MEMBER,
        ],
    )


def invitation_recipients(*, exchange: ExchangePage) -> QuerySet[User]:
    """Approved members of member councils whose role is in the Exchange's audience, who have
    not switched invitations off and are not already registered. One query, however many."""
    roles = AUDIENCE_ROLES.get(exchange.audience, AUDIENCE_ROLES["both"])
    people = (
        _approved_club_members()
        .filter(memberships__role__in=roles)
        .exclude(communication_preferences__receive_invitations=False)
    )
    Registration = apps.get_model("events", "Registration")  # noqa: N806
    registered = Registration.objects.filter(
        exchange=exchange, status__in=ACTIVE_REGISTRATION
    ).values("person_id")
    return people.exclude(pk__in=registered).distinct()


def digest_recipients() -> QuerySet[User]:
    """Approved members who want the case-study digest."""
    return (
        _approved_club_members()
        .exclude(communication_preferences__receive_case_study_digest=False)
        .distinct()
    )


# Kinds that only make sense while the person still holds a confirmed place at the Exchange.
_FOR_CONFIRMED_PLACES = ("reminder-week", "reminder-day", "thank-you", "missed-you")
_INVITATION = "exchange-invitation"
# The kinds messages_no_longer_wanted looks at; other rows never need its query.
RECHECKED_KINDS = frozenset((*_FOR_CONFIRMED_PLACES, _INVITATION))


def messages_no_longer_wanted(*, message_ids: list[int]) -> set[int]:
    """The ids among these that no longer apply, checked again when a worker claims them.

    Reminders, follow-ups and invitations are queued ahead of their turn; by the time one is
    sent, the person may have cancelled their place, a no-show may have been checked in after
    all, or the Exchange may be called off. One query for a whole batch, not one per message.
    """
    from .models import OutboxMessage

    if not message_ids:
        return set()
    Registration = apps.get_model("events", "Registration")  # noqa: N806
    places = Registration.objects.filter(
        exchange_id=OuterRef("exchange_id"), person_id=OuterRef("person_id"), status="confirmed"
    )
    rows = (
        OutboxMessage.objects.filter(pk__in=message_ids, kind__in=RECHECKED_KINDS)
        .annotate(
            has_place=Exists(places),
            missed=Exists(places.filter(attended_at__isnull=True)),
        )
        .values_list("pk", "kind", "exchange__is_cancelled", "has_place", "missed")
    )
    gone = set()
    for pk, kind, cancelled, has_place, missed in rows:
        called_off = cancelled is not False  # True, or None: the Exchange was deleted
        place_gone = kind != _INVITATION and not (missed if kind == "missed-you" else has_place)
        if called_off or place_gone:
            gone.add(pk)
    return gone


def feedback_summary(*, exchange: ExchangePage) -> dict:
    """Averages and counts for one Exchange's feedback (editors' results page)."""
    from .models import FeedbackResponse

    responses = FeedbackResponse.objects.filter(exchange=exchange)
    summary = responses.aggregate(count=Count("pk"), average=Avg("rating"))
    by_rating = dict(
        responses.values_list("rating").annotate(n=Count("pk")).values_list("rating", "n")
    )
    summary["by_rating"] = [(rating, by_rating.get(rating, 0)) for rating in range(5, 0, -1)]
    return summary
