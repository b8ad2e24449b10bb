"""The club's emails about accounts: one function per message, each taking a plain id.

Services call these inside their own transaction: each fetches its rows again and writes its
email to the messaging outbox in that transaction, so a change that rolls back sends nothing and
a crash just after commit loses nothing. The outbox delivers after commit, once, with retries
(messaging.notifications).
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from messaging import notifications as outbox

from .models import GuestApplication, Invitation, Membership, User


def _absolute(path: str) -> str:
    return f"{settings.SITE_BASE_URL}{path}"


def _send(*, template: str, subject: str, to: list[str], context: dict, about: str) -> None:
    """One outbox row per recipient; ``about`` names the event, so a repeat sends nothing."""
    recipients = sorted({address.strip().lower() for address in to if address})
    if not recipients:
        return
    body = render_to_string(f"club/email/{template}.txt", context)
    for address in recipients:
        outbox.notice(to_email=address, about=about, subject=subject, text=body)


def _this_request() -> str:
    """Names one request among several for the same row: asking again after a decline is a new
    email, not a duplicate of the first. Services call once per request, inside it."""
    return f"{timezone.now():%Y%m%dT%H%M%S.%f}"


def _editor_addresses() -> list[str]:
    editors = User.objects.filter(is_active=True, groups__name="Moderators").distinct()
    return list(editors.values_list("email", flat=True))


def notify_membership_requested(membership_id: int) -> None:
    """Tell whoever decides (the council's admins, or editors) that someone is waiting."""
    membership = (
        Membership.objects.select_related("person", "council").filter(pk=membership_id).first()
    )
    if membership is None or membership.status != Membership.Status.PENDING:
        return
    if membership.source == Membership.Source.REQUEST:
        to = _editor_addresses()
    else:
        admins = Membership.objects.filter(
            council=membership.council,
            status=Membership.Status.APPROVED,
            is_council_admin=True,
            person__is_active=True,
        )
        to = list(admins.values_list("person__email", flat=True)) or _editor_addresses()
    _send(
        about=f"membership-requested:{membership.pk}:{_this_request()}",
        template="membership_requested",
        subject=f"{membership.person} asks to join {membership.council} in the Innovation Club",
        to=to,
        context={
            "membership": membership,
            "url": _absolute(
                reverse("club:council_people", kwargs={"slug": membership.council.slug})
            ),
        },
    )


def notify_membership_decided(membership_id: int) -> None:
    """Tell the person whether their membership was approved or declined."""
    membership = (
        Membership.objects.select_related("person", "council").filter(pk=membership_id).first()
    )
    if membership is None or membership.status not in (
        Membership.Status.APPROVED,
        Membership.Status.DECLINED,
    ):
        return
    # Editors can reword this one in the admin (Email wording).
    outbox.membership_decided(membership=membership)


def notify_guest_requested(application_id: int) -> None:
    application = (
        GuestApplication.objects.select_related("person").filter(pk=application_id).first()
    )
    if application is None or application.status != GuestApplication.Status.PENDING:
        return
    _send(
        about=f"guest-requested:{application.pk}:{_this_request()}",
        template="guest_requested",
        subject=f"{application.person} asks to take part as a guest",
        to=_editor_addresses(),
        context={"application": application, "url": _absolute(reverse("club:requests"))},
    )


def notify_guest_decided(application_id: int) -> None:
    application = (
        GuestApplication.objects.select_related("person").filter(pk=application_id).first()
    )
    if application is None or application.status == GuestApplication.Status.PENDING:
        return
    approved = application.status == GuestApplication.Status.APPROVED
    _send(
        about=f"guest-decided:{application.pk}:{application.decided_at:%Y%m%dT%H%M%S.%f}",
        template="guest_decided",
        subject=(
            "Welcome to the Innovation Club"
            if approved
            else "Your request to take part in the Innovation Club"
        ),
        to=[application.person.email],
        context={
            "application": application,
            "approved": approved,
            "url": _absolute(reverse("club:account")),
        },
    )


def notify_invitation(invitation_id: int) -> None:
    """Send the invitation link (single use, expiring) to the colleague's address."""
    invitation = (
        Invitation.objects.select_related("council", "invited_by")
        .filter(pk=invitation_id, accepted_at__isnull=True)
        .first()
    )
    if invitation is None:
        return
    outbox.join_invitation(
        email=invitation.email,
        about=f"invitation:{invitation.pk}",
        accept_url=_absolute(reverse("club:invitation", kwargs={"token": invitation.token})),
        council=str(invitation.council),
        invited_by=invitation.invited_by,
        expires_at=invitation.expires_at,
    )
