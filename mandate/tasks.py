"""Background work for the Innovation Mandate: thin wrappers that take ids and run once."""

from celery import shared_task
from django.db import transaction

from .models import Response


@shared_task(name="mandate.tasks.response_invitation_send", acks_late=True)
def response_invitation_send(response_id: int) -> None:
    """Queue an invited person's email in the messaging outbox. Safe to run twice.

    ``round_invite`` now writes the outbox row itself, in its own transaction; this task stays
    for tasks already waiting in the broker from before that change. The outbox delivers the
    email (once, with retries), so nothing here touches SMTP.
    """
    from .services import response_invitation_queue

    with transaction.atomic():
        response = (
            Response.objects.select_for_update()
            .select_related("person", "round", "round__council")
            .filter(pk=response_id)
            .first()
        )
        if response is not None:
            response_invitation_queue(response=response)
