"""Writes for the Innovation Mandate. Each is one transaction and checks its own rules.

Errors are raised as ``MandateError`` with a message written for the person who asked, or as
``PermissionDenied`` when the person may not act at all.
"""

import datetime

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from club.models import Council, Membership, User

from .models import Answer, Dimension, FrameworkVersion, Response, Round, Statement
from .selectors import (
    EDITORS_GROUP,
    framework_latest_published,
    person_can_manage_round,
    person_is_mandate_editor,
    person_round_councils,
    view_for_role,
)


class MandateError(Exception):
    """A request that cannot be carried out; the message says why."""


@transaction.atomic
def mandate_editor_permissions_ensure() -> None:
    """Give the editors' group every permission on the framework, so they keep it in the admin."""
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    wanted = Permission.objects.filter(
        content_type__app_label="mandate",
        content_type__model__in=["frameworkversion", "dimension", "statement"],
    )
    group.permissions.add(*wanted)


@transaction.atomic
def framework_version_copy(*, source: FrameworkVersion, target: FrameworkVersion) -> None:
    """Fill an empty draft with copies of another version's dimensions, statements and themes."""
    if target.is_published:
        raise MandateError("A published version cannot change.")
    if target.dimensions.exists():
        raise MandateError("This draft already has dimensions; nothing was copied.")
    for dimension in source.dimensions.prefetch_related("statements", "themes"):
        copy = Dimension.objects.create(
            version=target,
            name=dimension.name,
            slug=dimension.slug,
            question=dimension.question,
            sort_order=dimension.sort_order,
        )
        copy.themes.set(dimension.themes.all())
        copy.save()  # writes the parental many-to-many
        Statement.objects.bulk_create(
            Statement(dimension=copy, text=s.text, level=s.level, sort_order=s.sort_order)
            for s in dimension.statements.all()
        )


@transaction.atomic
def round_open(
    *,
    council: Council,
    opened_by: User,
    title: str,
    closes_on: datetime.date | None = None,
    mode: str = Round.Mode.SELF,
) -> Round:
    """Open a round on the latest published framework version."""
    if not person_round_councils(person=opened_by).filter(pk=council.pk).exists():
        raise PermissionDenied("Only the council's admins and editors may open a round.")
    if mode == Round.Mode.WORKSHOP and not person_is_mandate_editor(person=opened_by):
        raise PermissionDenied("Facilitated workshops are opened by editors.")
    if closes_on is not None and closes_on < timezone.localdate():
        raise MandateError("The closing date must be today or later.")
    version = framework_latest_published()
    if version is None:
        raise MandateError("There is no published framework yet. Ask an editor to publish one.")
    return Round.objects.create(
        council=council,
        version=version,
        title=title.strip(),
        mode=mode,
        closes_on=closes_on,
        opened_by=opened_by,
    )


@transaction.atomic
def round_invite(*, round: Round, memberships: list[Membership], invited_by: User) -> int:
    """Invite approved members of the round's council; returns how many were newly invited.

    Each person's view (officers' or members') is fixed from their role now. Their invitation is
    written to the messaging outbox in this transaction and sent once it commits.
    """
    if not person_can_manage_round(person=invited_by, round=round):
        raise PermissionDenied("Only the council's admins and editors may invite people.")
    if not round.is_open:
        raise MandateError("This round is closed; no one else can be invited.")
    created = 0
    for membership in memberships:
        if (
            membership.council_id != round.council_id
            or membership.status != Membership.Status.APPROVED
        ):
            raise MandateError(f"{membership.person} is not an approved member of {round.council}.")
        response, made = Response.objects.get_or_create(
            round=round,
            person=membership.person,
            defaults={"view": view_for_role(membership.role)},
        )
        if made:
            created += 1
            response_invitation_queue(response=response)
    return created


def response_invitation_queue(*, response: Response) -> bool:
    """Put the invitation for this response in the outbox, once; False if none is due.

    Call inside a transaction: the outbox row and ``invitation_sent_at`` commit with the change
    that caused them, and the email goes after commit (messaging.services).
    """
    from messaging.notifications import mandate_invitation

    if response.invitation_sent_at is not None:
        return False
    if response.status == Response.Status.SUBMITTED or not response.round.is_open:
        return False
    mandate_invitation(response=response)
    response.invitation_sent_at = timezone.now()
    response.save(update_fields=["invitation_sent_at"])
    return True


@transaction.atomic
def round_close(*, round: Round, closed_by: User) -> Round:
    if not person_can_manage_round(person=closed_by, round=round):
        raise PermissionDenied("Only the council's admins and editors may close a round.")
    round = Round.objects.select_for_update().get(pk=round.pk)
    if round.closed_at is None:
        round.closed_at = timezone.now()
        round.save(update_fields=["closed_at"])
    return round


@transaction.atomic
def response_save(
    *, response: Response, person: User, choices: dict[int, int], submit: bool
) -> Response:
    """Save a person's choices (dimension id → statement id); with ``submit``, hand them in.

    A submitted response is final. Submitting needs an answer on every dimension.
    """
    response = Response.objects.select_for_update().select_related("round").get(pk=response.pk)
    if response.person_id != person.pk:
        raise PermissionDenied("This is someone else's response.")
    if not response.round.is_open:
        raise MandateError("This round has closed, so answers can no longer change.")
    still_member = Membership.objects.filter(
        person=person, council_id=response.round.council_id, status=Membership.Status.APPROVED
    ).exists()
    if not still_member:
        raise MandateError(
            f"Only approved members of {response.round.council} can answer; ask its club contact."
        )
    if response.status == Response.Status.SUBMITTED:
        raise MandateError("You have already submitted your answers for this round.")
    dimensions = {d.pk: d for d in Dimension.objects.filter(version_id=response.round.version_id)}
    statements = dict(
        Statement.objects.filter(dimension_id__in=dimensions).values_list("pk", "dimension_id")
    )
    for dimension_id, statement_id in choices.items():
        if dimension_id not in dimensions or statements.get(statement_id) != dimension_id:
            raise MandateError("One of the answers does not belong to this round's framework.")
    for dimension_id, statement_id in choices.items():
        Answer.objects.update_or_create(
            response=response, dimension_id=dimension_id, defaults={"statement_id": statement_id}
        )
    if submit:
        answered = set(response.answers.values_list("dimension_id", flat=True))
        missing = [d.name for pk, d in dimensions.items() if pk not in answered]
        if missing:
            raise MandateError(f"Answer every dimension before submitting: {', '.join(missing)}.")
        response.status = Response.Status.SUBMITTED
        response.submitted_at = timezone.now()
    elif response.status == Response.Status.INVITED:
        response.status = Response.Status.STARTED
    response.save()
    return response
