"""Receivers: a larger capacity fills seats from the waiting list; erased people leave no rows;
a speaker's change renews the content token."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import page_published

from club.signals import person_data_exporting, person_erasing
from home.content_cache import content_changed

from .models import ExchangePage, Speaker


@receiver(page_published, sender=ExchangePage, dispatch_uid="events_fill_after_publish")
def fill_seats_after_publish(sender, instance: ExchangePage, **kwargs) -> None:
    """An editor may have raised the capacity or seats per council: offer the new seats."""
    from .services import waiting_list_promote

    exchange_id = instance.pk
    # After commit, so the lock is taken in its own short transaction, not the editor's.
    transaction.on_commit(
        lambda: waiting_list_promote(exchange=ExchangePage.objects.get(pk=exchange_id))
    )


@receiver(person_erasing, dispatch_uid="events_forget_person")
def forget_person(sender, *, person, **kwargs) -> None:
    from .services import registration_forget_person

    registration_forget_person(person=person)


@receiver(person_data_exporting, dispatch_uid="events_export_person")
def export_registrations(sender, *, person, **kwargs) -> tuple[str, list[dict]]:
    """The person's part of "download my data": every registration, with what they wrote."""
    from .models import Registration

    rows = Registration.objects.filter(person=person).select_related("exchange", "council")
    return (
        "exchange_registrations",
        [
            {
                "exchange": row.exchange.title,
                "starts_at": row.exchange.starts_at.isoformat(),
                "status": row.status,
                "council": row.council.name if row.council else None,
                "role": row.role,
                "access_needs": row.access_needs,
                "dietary_needs": row.dietary_needs,
                "answer_to_question": row.question_answer,
                "registered_at": row.created_at.isoformat(),
                "checked_in_at": row.attended_at.isoformat() if row.attended_at else None,
            }
            for row in rows
        ],
    )


# An Exchange page keeps its agenda and speakers as HTML (templates/events/exchange_page.html)
# until the content changes, and a speaker is a snippet edited on its own.
@receiver(post_save, sender=Speaker, dispatch_uid="events_speaker_saved")
@receiver(post_delete, sender=Speaker, dispatch_uid="events_speaker_deleted")
def speaker_changed(sender, using: str, **kwargs) -> None:
    content_changed(using=using)
