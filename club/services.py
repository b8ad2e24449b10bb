"""Writes about people, councils and memberships.

Every function here is a transaction: it writes its rows, keeps the Members group in step, and
puts any email in the messaging outbox in the same transaction (sent after commit), so nothing is
sent for a change that rolled back and nothing is lost if the process dies just after commit.
Rules (who may decide what) are checked here as well as in the views.
"""

import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from . import notifications
from .models import (
    CommunicationPreferences,
    Council,
    GuestApplication,
    Invitation,
    Membership,
    User,
)
from .selectors import (
    invitation_problem,
    person_admin_councils,
    person_can_decide_guests,
    person_can_decide_membership,
    person_is_approved_member,
)
from .signals import person_erasing

# Editors at the improvement body work through Wagtail's Moderators group (it can publish pages)
# plus the club's own models, which Wagtail's migrations know nothing about.
EDITORS_GROUP = "Moderators"
EDITOR_MODEL_APPS = ("club", "events", "casestudies", "messaging")
# Approved members (and approved guests) are in this group; members-only pages are private to it.
MEMBERS_GROUP = "Members"
INVITATION_LIFETIME = timedelta(days=14)


class MembershipError(Exception):
    """A request that cannot be carried out; the message is written for the person who asked."""


@transaction.atomic
def editors_group_ensure() -> Group:
    """Return the editors' group, granting it every permission on the club's own models."""
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    wanted = Permission.objects.filter(content_type__app_label__in=EDITOR_MODEL_APPS).exclude(
        content_type__model__in=["user"]
    )
    admin_access = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    group.permissions.add(*wanted, *admin_access)
    return group


@transaction.atomic
def members_group_ensure() -> Group:
    """The Members group that members-only pages are made private to."""
    group, _ = Group.objects.get_or_create(name=MEMBERS_GROUP)
    return group


@transaction.atomic
def members_group_sync(*, person: User) -> bool:
    """Put the person in the Members group exactly when they are an approved member or guest.

    Returns whether they are in the group afterwards. Every service that changes a membership or
    a guest application calls this, so the group never drifts from the memberships.
    """
    group = members_group_ensure()
    if person_is_approved_member(person=person):
        person.groups.add(group)
        return True
    person.groups.remove(group)
    return False


@transaction.atomic
def preferences_for(*, person: User) -> CommunicationPreferences:
    """The person's communication preferences, created with the defaults on first use."""
    preferences, _ = CommunicationPreferences.objects.get_or_create(person=person)
    return preferences


@transaction.atomic
def preferences_update(*, person: User, **choices: bool) -> CommunicationPreferences:
    """Save the person's choices (only the known boolean fields)."""
    allowed = {
        "receive_invitations",
        "receive_reminders",
        "receive_follow_ups",
        "receive_case_study_digest",
        "show_in_directory",
    }
    unknown = set(choices) - allowed
    if unknown:
        raise ValueError(f"Unknown preferences: {sorted(unknown)}")
    preferences = CommunicationPreferences.objects.select_for_update().get(
        pk=preferences_for(person=person).pk
    )
    for name, value in choices.items():
        setattr(preferences, name, bool(value))
    preferences.save()
    return preferences


@transaction.atomic
def person_details_update(*, person: User, first_name: str, last_name: str, job_title: str) -> User:
    person.first_name = first_name.strip()
    person.last_name = last_name.strip()
    person.job_title = job_title.strip()
    person.full_clean(exclude=["password"])
    person.save(update_fields=["first_name", "last_name", "job_title"])
    return person


@transaction.atomic
def person_join_after_signup(
    *,
    person: User,
    council: Council | None,
    matched_by_domain: bool,
    role: str,
    organisation: str = "",
) -> Membership | GuestApplication:
    """After sign-up: a pending membership of the council, or a guest application.

    On the council's own domain its admins decide; a council named by someone on another domain,
    and every guest, is for the editors to decide.
    """
    if council is not None:
        return membership_request(
            person=person,
            council=council,
            role=role,
            source=Membership.Source.DOMAIN if matched_by_domain else Membership.Source.REQUEST,
        )
    return guest_apply(person=person, organisation=organisation)


@transaction.atomic
def person_ask_to_join(*, person: User, council: Council, role: str) -> Membership:
    """A signed-in person asks to join a council (again, after leaving or being declined).

    The council's admins decide when one of the person's verified addresses is on its domain;
    editors decide otherwise.
    """
    domains = set(council.email_domains.values_list("domain", flat=True))
    verified = EmailAddress.objects.filter(user=person, verified=True).values_list(
        "email", flat=True
    )
    on_domain = any(email.rpartition("@")[2].lower() in domains for email in verified)
    return membership_request(
        person=person,
        council=council,
        role=role,
        source=Membership.Source.DOMAIN if on_domain else Membership.Source.REQUEST,
    )


@transaction.atomic
def membership_request(
    *, person: User, council: Council, role: str, source: str = Membership.Source.DOMAIN
) -> Membership:
    """Ask for the person to join the council: a pending membership, or an error if one exists.

    Someone who was declined or left may ask again; their membership goes back to pending.
    """
    existing = Membership.objects.select_for_update().filter(person=person, council=council)
    membership = existing.first()
    if membership and membership.status in (
        Membership.Status.PENDING,
        Membership.Status.APPROVED,
    ):
        raise MembershipError(
            f"You have already asked to join {council}."
            if membership.status == Membership.Status.PENDING
            else f"You are already a member of {council}."
        )
    if membership is None:
        membership = Membership(person=person, council=council)
    membership.role = role
    membership.source = source
    membership.status = Membership.Status.PENDING
    membership.decided_at = None
    membership.decided_by = None
    membership.save()
    members_group_sync(person=person)
    notifications.notify_membership_requested(membership.pk)
    return membership


def _decide(*, membership: Membership, by: User, status: str) -> Membership:
    if not person_can_decide_membership(person=by, membership=membership):
        raise PermissionDenied("You cannot decide on people of this council.")
    # Lock the row so two admins pressing buttons at once cannot both decide.
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != Membership.Status.PENDING:
        raise MembershipError(
            f"{membership.person} is no longer waiting for a decision "
            f"({membership.get_status_display().lower()})."
        )
    membership.status = status
    membership.decided_at = timezone.now()
    membership.decided_by = by
    membership.save(update_fields=["status", "decided_at", "decided_by"])
    members_group_sync(person=membership.person)
    notifications.notify_membership_decided(membership.pk)
    return membership


@transaction.atomic
def membership_approve(*, membership: Membership, by: User) -> Membership:
    """Approve a pending membership (council admins of that council, or editors)."""
    return _decide(membership=membership, by=by, status=Membership.Status.APPROVED)


@transaction.atomic
def membership_decline(*, membership: Membership, by: User) -> Membership:
    """Decline a pending membership (council admins of that council, or editors)."""
    return _decide(membership=membership, by=by, status=Membership.Status.DECLINED)


@transaction.atomic
def guest_apply(*, person: User, organisation: str) -> GuestApplication:
    """Ask to take part as a partner or guest from another sector; editors decide."""
    application, created = GuestApplication.objects.select_for_update().get_or_create(
        person=person, defaults={"organisation": organisation.strip()}
    )
    if not created:
        if application.status != GuestApplication.Status.DECLINED:
            raise MembershipError("You have already asked to take part as a guest.")
        application.organisation = organisation.strip()
        application.status = GuestApplication.Status.PENDING
        application.decided_at = None
        application.decided_by = None
        application.save()
    notifications.notify_guest_requested(application.pk)
    return application


@transaction.atomic
def guest_decide(*, application: GuestApplication, by: User, approve: bool) -> GuestApplication:
    """Approve or decline a guest application (editors only); the person is told by email."""
    if not person_can_decide_guests(person=by):
        raise PermissionDenied("Only the club's editors decide on guests.")
    application = GuestApplication.objects.select_for_update().get(pk=application.pk)
    if application.status != GuestApplication.Status.PENDING:
        raise MembershipError(f"{application.person} is no longer waiting for a decision.")
    application.status = (
        GuestApplication.Status.APPROVED if approve else GuestApplication.Status.DECLINED
    )
    application.decided_at = timezone.now()
    application.decided_by = by
    application.save(update_fields=["status", "decided_at", "decided_by"])
    members_group_sync(person=application.person)
    notifications.notify_guest_decided(application.pk)
    return application


@transaction.atomic
def invitation_create(*, council: Council, email: str, role: str, by: User) -> Invitation:
    """A council admin invites a colleague; the email carries a single-use link that expires."""
    if not (
        person_can_decide_guests(person=by)
        or person_admin_councils(person=by).filter(pk=council.pk).exists()
    ):
        raise PermissionDenied("You can only invite people to your own council.")
    email = email.strip().lower()
    if Membership.objects.filter(
        council=council,
        person__email__iexact=email,
        status__in=[Membership.Status.APPROVED, Membership.Status.PENDING],
    ).exists():
        raise MembershipError(f"{email} already belongs to {council} or is waiting for approval.")
    invitation = Invitation.objects.create(
        council=council,
        email=email,
        role=role,
        token=secrets.token_urlsafe(32),
        invited_by=by,
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    notifications.notify_invitation(invitation.pk)
    return invitation


def _usable_invitation(token: str) -> Invitation:
    # Locked, so two clicks on the same link cannot both use it.
    invitation = Invitation.objects.select_for_update().filter(token=token).first()
    problem = invitation_problem(invitation=invitation)
    if problem:
        raise MembershipError(problem)
    return invitation


@transaction.atomic
def invitation_accept(
    *,
    token: str,
    person: User | None = None,
    first_name: str = "",
    last_name: str = "",
    job_title: str = "",
    password: str = "",
) -> Membership:
    """Accept an invitation once: create the account (or use the signed-in one) and join.

    A new account's address counts as verified, since the link reached that inbox. A signed-in
    person may only accept an invitation sent to one of their own verified addresses.
    """
    invitation = _usable_invitation(token)
    if person is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise MembershipError(
                f"There is already an account for {invitation.email}. Sign in, then open the "
                "invitation link again."
            )
        person = User.objects.create_user(
            email=invitation.email,
            password=password,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            job_title=job_title.strip(),
        )
        EmailAddress.objects.create(
            user=person, email=invitation.email, verified=True, primary=True
        )
    else:
        owns = EmailAddress.objects.filter(
            user=person, email__iexact=invitation.email, verified=True
        ).exists()
        if not owns:
            raise MembershipError(
                f"This invitation was sent to {invitation.email}, not to the account you are "
                "signed in with."
            )
    membership, _ = Membership.objects.select_for_update().get_or_create(
        person=person,
        council=invitation.council,
        defaults={"role": invitation.role},
    )
    membership.role = invitation.role
    membership.status = Membership.Status.APPROVED
    membership.source = Membership.Source.INVITATION
    membership.decided_at = timezone.now()
    membership.decided_by = invitation.invited_by
    membership.save()
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = person
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    members_group_sync(person=person)
    return membership


@transaction.atomic
def person_erase(*, person: User) -> None:
    """Delete an account by anonymising it, so nothing of anyone else's is lost.

    Other apps forget their own rows first through the ``person_erasing`` signal (inside this
    transaction). The User row stays, nameless and unable to sign in, so rows that point at it
    (a registration counted in an Exchange's numbers, a decision someone took) keep their shape.
    """
    person = User.objects.select_for_update().get(pk=person.pk)
    person_erasing.send(sender=User, person=person)
    original_email = person.email
    Membership.objects.filter(person=person).delete()
    GuestApplication.objects.filter(person=person).delete()
    CommunicationPreferences.objects.filter(person=person).delete()
    Invitation.objects.filter(email__iexact=original_email).delete()
    EmailAddress.objects.filter(user=person).delete()
    person.groups.clear()
    person.user_permissions.clear()
    person.email = f"erased-{person.pk}@erased.invalid"
    person.first_name = ""
    person.last_name = ""
    person.job_title = ""
    person.is_active = False
    person.is_staff = False
    person.is_superuser = False
    # An unusable password changes the session hash and is_active=False stops authentication,
    # so every other session of this person ends too.
    person.set_unusable_password()
    person.save()
