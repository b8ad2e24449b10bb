"""The outbox's part in erasing an account and in "download my data".

Erasure keeps each row (kind, subject, status, timestamps) for the audit trail but forgets
the address, what the email said and anything composed from the person's details. A row still
waiting to go is suppressed in the same transaction, so an erased person is never emailed.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.dispatch import receiver
from django.utils import timezone

from club.signals import person_data_exporting, person_erasing

from .models import OutboxMessage

if TYPE_CHECKING:
    from club.models import User

Status = OutboxMessage.Status

ERASED_NOTE = "The recipient's account was erased; this message was not sent."
ERASED_WHILE_SENDING_NOTE = (
    "The recipient's account was erased while this message was being sent; it may have gone out."
)


ERASED_DOMAIN = "erased.invalid"  # RFC 2606: a domain that can never receive mail


def is_erased_address(address: str) -> bool:
    """True for the placeholder an erased person's rows carry instead of their address."""
    return address.lower().endswith("@" + ERASED_DOMAIN)


def _person_rows(*, person: User) -> Q:
    # Rows keyed to the person, and rows to their address written before they had an account
    # (an invitation to join).
    return Q(person=person) | Q(person__isnull=True, to_email__iexact=person.email)


def outbox_forget_person(*, person: User) -> int:
    """Blank the address and content of the person's outbox rows; suppress any not yet sent.

    Call with the person's details still in place (inside the erasure transaction). Returns
    how many rows were changed.
    """
    now = timezone.now()
    placeholder = f"erased-{person.pk}@{ERASED_DOMAIN}"
    rows = OutboxMessage.objects.filter(_person_rows(person=person))
    # Waiting rows first: suppressed, so no worker claims them (a claim needs status=queued).
    # A row a worker has already claimed ("sending") cannot be recalled; it is marked so the
    # worker's result does not write the composed email back (that write needs "sending").
    rows.filter(status=Status.QUEUED).update(
        status=Status.SUPPRESSED, last_error=ERASED_NOTE, updated_at=now
    )
    rows.filter(status=Status.SENDING).update(
        status=Status.SUPPRESSED, last_error=ERASED_WHILE_SENDING_NOTE, updated_at=now
    )
    # An SMTP refusal often quotes the address: take it out of the recorded error too.
    address = person.email
    for pk, error in rows.filter(last_error__icontains=address).values_list("pk", "last_error"):
        OutboxMessage.objects.filter(pk=pk).update(last_error=_without(error, address, placeholder))
    # Keys hold the address when there was no person; the id keeps them unique.
    for pk, kind in rows.filter(person__isnull=True).values_list("pk", "kind"):
        OutboxMessage.objects.filter(pk=pk).update(key=f"{kind}:erased:{pk}", person=person)
    return OutboxMessage.objects.filter(person=person).update(
        to_email=placeholder,
        body_text="",
        body_html="",
        context={},
        attachments=[],
        headers={},
        updated_at=now,
    )


def _without(text: str, address: str, replacement: str) -> str:
    return re.sub(re.escape(address), replacement, text, flags=re.IGNORECASE)


def outbox_export(*, person: User) -> list[dict[str, Any]]:
    """The emails the club wrote to this person: what kind, the subject, what became of it."""
    rows = OutboxMessage.objects.filter(_person_rows(person=person)).order_by("created_at", "pk")
    return [
        {
            "kind": row.get_kind_display(),
            "subject": row.subject,
            "to": row.to_email,
            "status": row.get_status_display(),
            "created_at": row.created_at.isoformat(),
            "sent_at": row.sent_at.isoformat() if row.sent_at else None,
        }
        for row in rows
    ]


@receiver(person_erasing, dispatch_uid="messaging_forget_person")
def forget_person(sender, *, person: User, **kwargs) -> None:
    outbox_forget_person(person=person)


@receiver(person_data_exporting, dispatch_uid="messaging_export_person")
def export_messages(sender, *, person: User, **kwargs) -> tuple[str, list[dict[str, Any]]]:
    return ("emails", outbox_export(person=person))
