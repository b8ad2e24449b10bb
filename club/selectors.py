"""Reads about people, councils and memberships. Other apps import these; keep them stable."""

from django.db.models import QuerySet

from .models import Council, Membership, User


def person_approved_councils(*, person: User) -> QuerySet[Council]:
    """The councils where this person's membership is approved (none for anonymous people)."""
    if not getattr(person, "is_authenticated", False):
        return Council.objects.none()
    return Council.objects.filter(
        memberships__person=person, memberships__status=Membership.Status.APPROVED
    ).distinct()


def person_is_approved_member(*, person: User) -> bool:
    """True when the person holds at least one approved membership."""
    if not getattr(person, "is_authenticated", False):
        return False
    return Membership.objects.filter(person=person, status=Membership.Status.APPROVED).exists()


def person_admin_councils(*, person: User) -> QuerySet[Council]:
    """The councils this person may act for: approved memberships with the council-admin flag."""
    if not getattr(person, "is_authenticated", False):
        return Council.objects.none()
    return Council.objects.filter(
        memberships__person=person,
        memberships__status=Membership.Status.APPROVED,
        memberships__is_council_admin=True,
    ).distinct()


def council_members(*, council: Council, status: str | None = None) -> QuerySet[Membership]:
    """A council's memberships with their people, approved ones by default.

    Pass ``status`` to list another status (for example pending people awaiting a decision), or
    ``status="all"`` for every membership.
    """
    memberships = Membership.objects.filter(council=council).select_related("person", "council")
    if status is None:
        status = Membership.Status.APPROVED
    if status != "all":
        memberships = memberships.filter(status=status)
    return memberships.order_by("person__last_name", "person__first_name", "person__email")
