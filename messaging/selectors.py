"""Reads for messaging: who gets a bulk email, and the feedback results editors see."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import apps
from django.db.models import Avg, Count, QuerySet

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
