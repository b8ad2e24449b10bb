"""Receivers: a larger capacity fills seats from the waiting list; erased people leave no rows."""

from django.db import transaction
from django.dispatch import receiver
from wagtail.signals import page_published

from club.signals import person_erasing

from .models import ExchangePage


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
