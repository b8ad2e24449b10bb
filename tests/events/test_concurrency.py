"""Capacity, seats per council and the waiting list hold when many people register at once.

Each attempt runs in its own thread with its own database connection, all released together
by a barrier, against real PostgreSQL row locks.
"""

import threading
from collections import Counter

import pytest
from django.db import close_old_connections, connection, connections, transaction

from club.models import Membership
from events import services
from events.factories import ExchangePageFactory
from events.models import ExchangePage, Registration, RegistrationStatus
from events.services import RegistrationError, registration_cancel, registration_create

pytestmark = [
    pytest.mark.postgres_only,
    # serialized_rollback restores Wagtail's root page and locale after each flush.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    # Each race opens up to 50 database connections: under pytest-xdist two at once would pass
    # PostgreSQL's default limit of 100, so they all run in one worker, one after another.
    pytest.mark.xdist_group("row_lock_races"),
]

CONFIRMED, WAITING = RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING


@pytest.fixture(autouse=True)
def patient_lock(monkeypatch):
    """These tests check the counting under the lock, so no attempt may give up waiting for it.

    The test machine is shared and often overloaded, and 50 attempts queue behind one lock; the
    "please try again" answer after a timeout has its own test below.
    """
    monkeypatch.setattr(services, "LOCK_TIMEOUT_MS", 120_000)


def run_together(calls):
    """Run each callable in its own thread and connection, all starting at once.

    Returns (results, errors): each a list, in no particular order.
    """
    barrier = threading.Barrier(len(calls))
    results, errors = [], []
    lock = threading.Lock()

    def worker(call):
        try:
            connection.ensure_connection()  # connect before the start, not during the race
            barrier.wait(timeout=60)
            outcome = call()
            with lock:
                results.append(outcome)
        except Exception as error:  # noqa: BLE001 - every failure is counted and shown
            with lock:
                errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    close_old_connections()
    return results, errors


def _register(exchange_id, person):
    def call():
        exchange = ExchangePage.objects.get(pk=exchange_id)
        return registration_create(exchange=exchange, person=person).status

    return call


def _people(make_member, councils, per_council):
    return [make_member(council) for council in councils for _ in range(per_council)]


def _assert_no_duplicates(exchange):
    per_person = Counter(
        Registration.objects.filter(exchange=exchange)
        .exclude(status=RegistrationStatus.CANCELLED)
        .values_list("person_id", flat=True)
    )
    assert [p for p, n in per_person.items() if n > 1] == []


def test_fifty_at_once_against_ten_seats(exchange_index, council, make_member):
    exchange = ExchangePageFactory(parent=exchange_index, capacity=10)
    people = _people(make_member, [council], 50)
    results, errors = run_together([_register(exchange.pk, p) for p in people])
    assert errors == []
    assert Counter(results) == {CONFIRMED: 10, WAITING: 40}
    stored = Counter(
        Registration.objects.filter(exchange=exchange).values_list("status", flat=True)
    )
    assert stored == {CONFIRMED: 10, WAITING: 40}
    _assert_no_duplicates(exchange)


def test_without_the_lock_the_same_race_overbooks(settings, exchange_index, council, make_member):
    """The negative control: proves the test above can see a race when there is one."""
    settings.EVENTS_REGISTRATION_LOCKING = False
    exchange = ExchangePageFactory(parent=exchange_index, capacity=10)
    people = _people(make_member, [council], 50)
    results, errors = run_together([_register(exchange.pk, p) for p in people])
    assert errors == []
    confirmed = Registration.objects.filter(exchange=exchange, status=CONFIRMED).count()
    assert confirmed > 10, "no overbooking without the lock: the race was not exercised"


def test_the_same_person_fifty_times_gets_one_registration(exchange_index, member):
    exchange = ExchangePageFactory(parent=exchange_index, capacity=10)
    results, errors = run_together([_register(exchange.pk, member) for _ in range(50)])
    assert results == [CONFIRMED]
    assert len(errors) == 49
    assert all("already registered" in e for e in errors)
    assert Registration.objects.filter(exchange=exchange, person=member).count() == 1


def test_seats_per_council_hold_under_the_same_race(exchange_index, make_member):
    from club.factories import CouncilFactory

    councils = [CouncilFactory() for _ in range(5)]
    exchange = ExchangePageFactory(parent=exchange_index, capacity=12, seats_per_council=3)
    people = _people(make_member, councils, 10)  # 50 people, 10 from each council
    results, errors = run_together([_register(exchange.pk, p) for p in people])
    assert errors == []
    confirmed = Registration.objects.filter(exchange=exchange, status=CONFIRMED)
    per_council = Counter(confirmed.values_list("council_id", flat=True))
    assert max(per_council.values()) <= 3
    # Five councils with three seats each could fill 15; the room holds 12.
    assert sum(per_council.values()) == 12
    assert Counter(results) == {CONFIRMED: 12, WAITING: 38}
    _assert_no_duplicates(exchange)


def test_a_cancellation_racing_a_registration_promotes_exactly_one(
    exchange_index, council, make_member
):
    for _round in range(8):
        exchange = ExchangePageFactory(parent=exchange_index, capacity=10)
        holders = [
            registration_create(exchange=exchange, person=make_member(council)) for _ in range(10)
        ]
        first_waiting = registration_create(exchange=exchange, person=make_member(council))
        newcomer = make_member(council)
        leaving = holders[_round]

        def cancel(leaving=leaving):
            return registration_cancel(registration=leaving, by=leaving.person).promoted

        results, errors = run_together([cancel, _register(exchange.pk, newcomer)])
        assert errors == []
        promoted = next(r for r in results if isinstance(r, list))
        assert [r.pk for r in promoted] == [first_waiting.pk]
        statuses = Counter(
            Registration.objects.filter(exchange=exchange).values_list("status", flat=True)
        )
        assert statuses == {CONFIRMED: 10, WAITING: 1, RegistrationStatus.CANCELLED: 1}
        assert Registration.objects.get(exchange=exchange, person=newcomer).status == WAITING


def test_a_held_lock_gives_a_clean_please_try_again(monkeypatch, exchange_index, member):
    monkeypatch.setattr(services, "LOCK_TIMEOUT_MS", 300)
    exchange = ExchangePageFactory(parent=exchange_index, capacity=10)
    locked = threading.Event()
    release = threading.Event()

    def hold_the_lock():
        try:
            with transaction.atomic():
                ExchangePage.objects.select_for_update(of=("self",)).get(pk=exchange.pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    try:
        assert locked.wait(timeout=30)
        with pytest.raises(RegistrationError, match="please try again") as refused:
            registration_create(exchange=exchange, person=member)
        assert refused.value.code == "busy"
    finally:
        release.set()
        holder.join()
    assert not Registration.objects.exists()
    # Once the lock is free, the same request goes through.
    assert registration_create(exchange=exchange, person=member).status == CONFIRMED
    assert Membership.objects.filter(person=member).exists()
