"""End to end with the real things: our own redis-server, a `celery worker` subprocess sharing
the pytest PostgreSQL database, and an SMTP server on loopback.

PostgreSQL only: on SQLite the test database lives in memory, which another process cannot see.
Transactional tests, because the worker must see committed rows.
"""

from collections import Counter

import pytest
from django.db import transaction
from icalendar import Calendar

from club.factories import CouncilFactory, MembershipFactory, UserFactory
from club.models import Role
from events.factories import ExchangePageFactory
from events.models import Registration, RegistrationStatus
from events.services import registration_create
from messaging.kinds import MessageKind
from messaging.models import OutboxMessage
from messaging.services import message_enqueue
from messaging.tasks import dispatch_invitations, sweep_outbox

from .realworld import RedisServer, Worker, use_broker, wait_for

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

Status = OutboxMessage.Status


@pytest.fixture
def redis_server():
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def broker(redis_server):
    use_broker(redis_server.url)
    yield redis_server
    use_broker(None)


@pytest.fixture
def worker_factory(broker, smtp_server):
    workers = []

    def start(**extra_env):
        worker = Worker(redis_url=broker.url, smtp_url=smtp_server.url, extra_env=extra_env)
        workers.append(worker)
        return worker.start()

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture
def worker(worker_factory):
    return worker_factory()


def welcome(person, about="membership:1"):
    return message_enqueue(
        kind=MessageKind.MEMBERSHIP_APPROVED,
        about=about,
        person=person,
        context={"placeholders": {"council": "Fife Council"}},
    )


def status_of(message) -> str:
    return OutboxMessage.objects.values_list("status", flat=True).get(pk=message.pk)


def test_one_message_is_delivered_exactly_once(worker, smtp_server):
    person = UserFactory(email="leader@fife.gov.uk")
    with transaction.atomic():
        message = welcome(person)
        welcome(person)  # asked twice in the same change: still one row
    wait_for(lambda: status_of(message) == Status.SENT, 30, "the message to be sent")
    received = smtp_server.handler.received
    assert len(received) == 1
    assert received[0]["To"] == "leader@fife.gov.uk"
    assert received[0]["X-Club-Correlation-ID"] == str(message.correlation_id)
    # The sweep may run again and again: nothing more arrives.
    sweep_outbox.delay()
    sweep_outbox.delay()
    wait_for(
        lambda: b"sweep_outbox" in worker.output() and worker.output().count(b"succeeded") >= 3,
        20,
        "the sweeps to run",
    )
    assert len(smtp_server.handler.received) == 1


def test_rolled_back_change_delivers_nothing(worker, smtp_server):
    person = UserFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        welcome(person, about="membership:rolled-back")
        raise RuntimeError("the change failed")
    # A later, committed message arrives, so the worker was running all along.
    later = welcome(person, about="membership:committed")
    wait_for(lambda: status_of(later) == Status.SENT, 30, "the committed message")
    assert smtp_server.handler.correlation_ids() == [str(later.correlation_id)]
    assert OutboxMessage.objects.count() == 1


def test_a_registration_delivers_one_confirmation_with_a_valid_ics(
    worker, smtp_server, exchange_index
):
    exchange = ExchangePageFactory(parent=exchange_index, venue_name="Kilncraigs, Alloa")
    person = MembershipFactory(role=Role.DIRECTOR).person
    registration_create(exchange=exchange, person=person)
    message = OutboxMessage.objects.get()
    assert message.kind == MessageKind.REGISTRATION_CONFIRMED
    wait_for(lambda: status_of(message) == Status.SENT, 30, "the confirmation to be sent")
    [received] = smtp_server.handler.received
    assert received["To"] == person.email
    assert received["Subject"] == f"You are booked on {exchange.title}"
    [ics] = [
        part for part in received.iter_attachments() if part.get_content_type() == "text/calendar"
    ]
    assert ics.get_filename() == "exchange.ics"
    event = next(iter(Calendar.from_ical(ics.get_content()).walk("VEVENT")))
    assert exchange.title in str(event["SUMMARY"])
    assert event.decoded("DTSTART") == exchange.starts_at.replace(microsecond=0)
    assert event.decoded("DTEND") == exchange.ends_at.replace(microsecond=0)
    assert "Kilncraigs, Alloa" in str(event["LOCATION"])
    # Beat's sweep coming round again sends nothing more.
    sweep_outbox.delay()
    wait_for(lambda: b"sweep_outbox" in worker.output(), 20, "the sweep to run")
    assert len(smtp_server.handler.received) == 1


def test_rolled_back_registration_delivers_nothing(worker, smtp_server, exchange_index):
    exchange = ExchangePageFactory(parent=exchange_index)
    person = MembershipFactory(role=Role.DIRECTOR).person
    with pytest.raises(RuntimeError), transaction.atomic():
        registration_create(exchange=exchange, person=person)
        raise RuntimeError("the request failed after the registration was written")
    assert not Registration.objects.exists()
    assert not OutboxMessage.objects.exists()
    # A later, committed registration arrives, so the worker was there all along.
    registration_create(exchange=exchange, person=person)
    later = OutboxMessage.objects.get()
    wait_for(lambda: status_of(later) == Status.SENT, 30, "the committed confirmation")
    assert smtp_server.handler.correlation_ids() == [str(later.correlation_id)]


def test_temporary_refusals_are_retried_then_delivered(worker, smtp_server):
    smtp_server.handler.refuse_data_left = 3  # "421 try again later", three times
    message = welcome(UserFactory())
    wait_for(lambda: status_of(message) == Status.SENT, 60, "delivery after the retries")
    message.refresh_from_db()
    assert smtp_server.handler.refusals == 3
    assert message.attempts == 4
    assert "421" in message.last_error or message.last_error == ""
    assert smtp_server.handler.correlation_ids() == [str(message.correlation_id)]


def test_permanent_refusal_is_not_retried_and_shows_as_failed(worker, smtp_server):
    smtp_server.handler.refuse_rcpt = "550 5.1.1 No such mailbox here"
    message = welcome(UserFactory())
    wait_for(lambda: status_of(message) == Status.FAILED, 30, "the message to fail")
    # Sweeps come and go; a failed message stays failed and the server hears nothing more.
    sweep_outbox.delay()
    wait_for(lambda: worker.output().count(b"sweep_outbox") >= 2, 20, "the sweep to run")
    message.refresh_from_db()
    assert message.attempts == 1
    assert "550" in message.last_error
    assert smtp_server.handler.refusals == 1
    assert smtp_server.handler.received == []


def test_redis_down_during_a_registration_delivers_after_the_sweep(
    worker, broker, smtp_server, exchange_index
):
    exchange = ExchangePageFactory(parent=exchange_index)
    person = MembershipFactory(role=Role.DIRECTOR).person
    broker.stop()
    # Commits; handing the confirmation to the broker fails, quietly: the page still works.
    registration = registration_create(exchange=exchange, person=person)
    assert registration.status == RegistrationStatus.CONFIRMED
    message = OutboxMessage.objects.get(kind=MessageKind.REGISTRATION_CONFIRMED)
    assert message.status == Status.QUEUED
    assert message.enqueued_at is None  # left for the sweep
    broker.start()  # the same port, empty: whatever was in Redis is gone

    def delivered_after_sweep():
        sweep_outbox.delay()  # what beat does every minute
        return status_of(message) == Status.SENT

    wait_for(delivered_after_sweep, 60, "delivery after Redis came back", interval=2)
    assert smtp_server.handler.correlation_ids() == [str(message.correlation_id)]


def test_worker_killed_mid_fan_out_then_every_invitation_arrives_once(
    worker_factory, smtp_server, exchange_index
):
    council = CouncilFactory()
    members = [MembershipFactory(council=council, role=Role.DIRECTOR).person for _ in range(30)]
    exchange = ExchangePageFactory(parent=exchange_index, audience="both")
    handler = smtp_server.handler
    handler.hold_after = 8  # from the ninth on, the server keeps each message waiting
    first = worker_factory(MESSAGING_FAN_OUT_BATCH="10")
    dispatch_invitations.delay()  # what beat does when the Exchange opens
    wait_for(lambda: handler.holding >= 1, 60, "the worker to be mid-send")
    first.kill()  # SIGKILL, worker and pool together
    # Release only once the server has seen the connection drop; released earlier, it would
    # accept the held message from a dead client and the test would count a false duplicate.
    wait_for(lambda: handler.dropped >= 1, 20, "the server to see the worker's connection drop")
    handler.release.set()
    handler.hold_after = None
    assert len(handler.received) == 8

    worker_factory(MESSAGING_FAN_OUT_BATCH="10")

    def all_sent():
        dispatch_invitations.delay()  # beat, restarting an unfinished fan-out
        sweep_outbox.delay()  # beat, recovering rows the dead worker held
        return OutboxMessage.objects.filter(status=Status.SENT).count() == len(members)

    wait_for(all_sent, 120, "every invitation to be sent", interval=2)
    rows = OutboxMessage.objects.filter(kind=MessageKind.EXCHANGE_INVITATION, exchange=exchange)
    assert rows.count() == len(members)
    expected = {str(c) for c in rows.values_list("correlation_id", flat=True)}
    counts = Counter(handler.correlation_ids())
    assert set(counts) == expected
    assert max(counts.values()) == 1, "someone got the same invitation twice"
    assert {m["To"] for m in handler.received} == {p.email for p in members}
