"""Thin Celery tasks: each takes plain ids and calls one service. All are safe to run twice."""

from celery import shared_task

from . import services


@shared_task(name="messaging.tasks.deliver_message")
def deliver_message(message_id: int) -> str:
    return services.message_deliver(message_id=message_id)


@shared_task(name="messaging.tasks.sweep_outbox")
def sweep_outbox() -> dict[str, int]:
    return services.outbox_sweep()
