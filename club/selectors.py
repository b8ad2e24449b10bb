"""Reads about people, councils and memberships. Other apps import these; keep them stable."""

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from .models import (
    CommunicationPreferences,
    Council,
    GuestApplication,
    Invitation,
    Membership,
    User,
)


def person_approved_councils(*, person: User) -> QuerySet[Council]:
    """The councils where this person's membership is approved (none for anonymous people)."""
    if not getattr(person, "is_authenticated", False):
        return Council.objects.none()
    return Council.objects.filter(
        memberships__person=person, memberships__status=Membership.Status.APPROVED
    ).distinct()


def person_is_approved_member(*, person: User) -> bool:
    """True when the person holds an approved membership, or is an approved guest.

    Guests (partners from other sectors, approved by editors) take part without a council, so
    ``person_approved_councils`` may be empty for an approved member.
    """
    if not getattr(person, "is_authenticated", False) or not person.is_active:
        return False
    return (
        Membership.objects.filter(person=person, status=Membership.Status.APPROVED).exists()
        or GuestApplication.objects.filter(
            person=person, status=GuestApplication.Status.APPROVED
        ).exists()
    )


def person_is_editor(*, person: User) -> bool:
    """Editors at the improvement body: they may decide on anyone, in any council."""
    if not getattr(person, "is_authenticated", False) or not person.is_active:
        return False
    return person.has_perm("club.change_membership")


def person_can_decide_guests(*, person: User) -> bool:
    return person_is_editor(person=person)


def person_can_decide_membership(*, person: User, membership: Membership) -> bool:
    """Editors decide on anyone; a council admin only on their own council's domain sign-ups.

    Requests from people whose address is not on the council's domain are for editors to decide.
    """
    if person_is_editor(person=person):
        return True
    if membership.source == Membership.Source.REQUEST:
        return False
    return person_admin_councils(person=person).filter(pk=membership.council_id).exists()


def person_can_manage_council(*, person: User, council: Council) -> bool:
    """May see the council's people and invite colleagues: its approved admins, or editors."""
    return (
        person_is_editor(person=person)
        or person_admin_councils(person=person).filter(pk=council.pk).exists()
    )


def council_for_email(*, email: str) -> Council | None:
    """The council whose email domain this address is on, if any (exact domain match)."""
    domain = email.rpartition("@")[2].strip().lower()
    if not domain:
        return None
    return Council.objects.filter(email_domains__domain=domain).first()


def person_memberships(*, person: User) -> QuerySet[Membership]:
    return Membership.objects.filter(person=person).select_related("council")


def pending_requests_for_editors() -> QuerySet[Membership]:
    """Pending memberships anywhere, oldest first, for the editors' queue."""
    return (
        Membership.objects.filter(status=Membership.Status.PENDING)
        .select_related("person", "council")
        .order_by("created_at")
    )


def pending_guest_applications() -> QuerySet[GuestApplication]:
    return (
        GuestApplication.objects.filter(status=GuestApplication.Status.PENDING)
        .select_related("person")
        .order_by("created_at")
    )


def directory_memberships() -> QuerySet[Membership]:
    """Approved memberships of active people who chose to be shown in the directory."""
    return (
        Membership.objects.filter(
            status=Membership.Status.APPROVED,
            person__is_active=True,
            person__communication_preferences__show_in_directory=True,
        )
        .select_related("person", "council")
        .order_by("person__last_name", "person__first_name", "council__name")
    )


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


def council_open_invitations(*, council: Council) -> QuerySet[Invitation]:
    """Invitations of the council not yet accepted (expired ones included, marked in the page)."""
    return Invitation.objects.filter(council=council, accepted_at__isnull=True).select_related(
        "invited_by"
    )


def _when(value) -> str | None:
    return value.isoformat() if value else None


def person_data_export(*, person: User) -> dict[str, Any]:
    """Everything the club holds about this person, and nothing about anyone else.

    Decisions name no decider and invitations the person sent leave out the invitees' addresses:
    those are other people's data. Other apps add their sections through the
    ``club.signals.person_data_exporting`` signal.
    """
    from allauth.account.models import EmailAddress

    from .signals import person_data_exporting

    preferences = CommunicationPreferences.objects.filter(person=person).first()
    guest = GuestApplication.objects.filter(person=person).first()
    data: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "person": {
            "email": person.email,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "job_title": person.job_title,
            "date_joined": _when(person.date_joined),
            "last_login": _when(person.last_login),
        },
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=person).order_by("email")
        ],
        "memberships": [
            {
                "council": m.council.name,
                "role": m.get_role_display(),
                "status": m.get_status_display(),
                "council_admin": m.is_council_admin,
                "how": m.get_source_display(),
                "asked_at": _when(m.created_at),
                "decided_at": _when(m.decided_at),
            }
            for m in person_memberships(person=person)
        ],
        "guest_application": (
            {
                "organisation": guest.organisation,
                "status": guest.get_status_display(),
                "asked_at": _when(guest.created_at),
                "decided_at": _when(guest.decided_at),
            }
            if guest
            else None
        ),
        "communication_preferences": (
            {
                "receive_invitations": preferences.receive_invitations,
                "receive_reminders": preferences.receive_reminders,
                "receive_follow_ups": preferences.receive_follow_ups,
                "receive_case_study_digest": preferences.receive_case_study_digest,
                "show_in_directory": preferences.show_in_directory,
            }
            if preferences
            else None
        ),
        "invitations_received": [
            {
                "council": i.council.name,
                "role": i.get_role_display(),
                "sent_at": _when(i.created_at),
                "accepted_at": _when(i.accepted_at),
            }
            for i in Invitation.objects.filter(email__iexact=person.email).select_related("council")
        ],
        "invitations_sent": [
            {"council": i.council.name, "sent_at": _when(i.created_at), "accepted": i.is_used}
            for i in Invitation.objects.filter(invited_by=person).select_related("council")
        ],
    }
    for _receiver, section in person_data_exporting.send(sender=User, person=person):
        if section:
            name, value = section
            data[name] = value
    return data


def invitation_problem(*, invitation: Invitation | None) -> str | None:
    """Why this invitation cannot be accepted, in words for its holder; None when it can be."""
    if invitation is None:
        return "This invitation link is not valid. Check you copied all of it."
    if invitation.is_used:
        return (
            "This invitation has already been used. Sign in, or ask your council admin for a "
            "new one."
        )
    if invitation.is_expired:
        return "This invitation has expired. Ask your council admin for a new one."
    return None
