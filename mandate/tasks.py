"""Background work for the Innovation Mandate: thin wrappers that take ids and run once."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .models import Response


@shared_task(
    name="mandate.tasks.response_invitation_send",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def response_invitation_send(response_id: int) -> None:
    """Tell an invited person about the round. Safe to run twice: the row records the sending."""
    with transaction.atomic():
        response = (
            Response.objects.select_for_update()
            .select_related("person", "round", "round__council")
            .filter(pk=response_id)
            .first()
        )
        if response is None or response.invitation_sent_at is not None:
            return
        if response.status == Response.Status.SUBMITTED or not response.round.is_open:
            return
        path = reverse("mandate:response", args=[response.round_id])
        body = render_to_string(
            "mandate/email/invitation.txt",
            {"response": response, "url": f"{settings.SITE_BASE_URL}{path}"},
        )
        send_mail(
            f"Innovation Mandate: {response.round.council} would like your view",
            body,
            None,
            [response.person.email],
        )
        response.invitation_sent_at = timezone.now()
        response.save(update_fields=["invitation_sent_at"])
