"""Thin Celery tasks: each takes plain ids and calls one service. All are safe to run twice."""

from collections import Counter

from celery import shared_task

from . import bulk, services


@shared_task(name="messaging.tasks.deliver_messages")
def deliver_messages(message_ids: list[int]) -> dict[str, int]:
    """A batch of outbox rows over one connection; returns how many ended each way."""
    outcomes = services.messages_deliver(message_ids=message_ids)
    return dict(Counter(outcomes.values()))


@shared_task(name="messaging.tasks.deliver_message")
def deliver_message(message_id: int) -> str:
    """One row: a retry's countdown, and tasks queued before batches existed."""
    return services.message_deliver(message_id=message_id)


@shared_task(name="messaging.tasks.sweep_outbox")
def sweep_outbox() -> dict[str, int]:
    return services.outbox_sweep()


@shared_task(name="messaging.tasks.dispatch_invitations")
def dispatch_invitations() -> int:
    """Beat: start the invitation fan-out of every Exchange that has just opened."""
    for exchange_id in bulk.exchanges_opening():
        fan_out_invitations.delay(exchange_id)
    return 0


@shared_task(name="messaging.tasks.fan_out_invitations")
def fan_out_invitations(exchange_id: int) -> int:
    return bulk.exchange_invitations_fan_out(exchange_id=exchange_id)


@shared_task(name="messaging.tasks.dispatch_reminders")
def dispatch_reminders() -> int:
    return bulk.reminders_dispatch()


@shared_task(name="messaging.tasks.dispatch_follow_ups")
def dispatch_follow_ups() -> int:
    return bulk.follow_ups_dispatch()


@shared_task(name="messaging.tasks.dispatch_case_study_digest")
def dispatch_case_study_digest() -> int:
    return bulk.case_study_digest_dispatch()
