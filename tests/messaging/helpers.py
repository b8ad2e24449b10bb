from django.utils import timezone

from events.models import Registration, RegistrationStatus


def register(exchange, person, status=RegistrationStatus.CONFIRMED, attended=False):
    return Registration.objects.create(
        exchange=exchange,
        person=person,
        status=status,
        confirmed_at=timezone.now() if status == RegistrationStatus.CONFIRMED else None,
        cancelled_at=timezone.now() if status == RegistrationStatus.CANCELLED else None,
        attended_at=timezone.now() if attended else None,
    )
