"""Signals the club app sends, and its receivers.

``person_erasing`` is sent (inside the erasure transaction, before the person's own rows are
anonymised or deleted) when someone deletes their account. Apps that hold rows about people
(registrations, attendance, ...) connect a receiver and anonymise or delete their own rows::

    from club.signals import person_erasing

    @receiver(person_erasing)
    def forget_registrations(sender, *, person, **kwargs):
        Registration.objects.filter(person=person).update(...)

``sender`` is the User class and ``person`` the User about to be erased. A receiver that raises
rolls the whole erasure back, so nothing is half-forgotten.

``person_data_exporting`` lets other apps add their part to "download my data": each receiver
returns a ``(section_name, json_serialisable_value)`` pair for ``person``.
"""

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import Signal, receiver

person_erasing = Signal()
person_data_exporting = Signal()


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="club_preferences_for_new_user")
def create_preferences(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    """Every person gets communication preferences (with the defaults) when they are created."""
    if created and not raw:
        from .services import preferences_for

        preferences_for(person=instance)
