"""Registration rules: who may register whom, the window, the waiting list and promotion."""

from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from club.factories import UserFactory
from club.models import Role
from events.factories import ExchangePageFactory
from events.models import Registration, RegistrationStatus
from events.selectors import ExchangeStatus, exchange_status, waiting_position
from events.services import (
    RegistrationError,
    registration_cancel,
    registration_check_in,
    registration_create,
    registration_promote,
    waiting_list_promote,
)

pytestmark = pytest.mark.django_db

CONFIRMED, WAITING, CANCELLED = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITING,
    RegistrationStatus.CANCELLED,
)


def test_member_registers_and_the_seat_counts_against_their_council(exchange, member, council):
    registration = registration_create(
        exchange=exchange, person=member, access_needs=" Hearing loop ", dietary_needs="Vegan"
    )
    assert registration.status == CONFIRMED
    assert registration.council == council
    assert registration.role == Role.COUNCILLOR
    assert registration.access_needs == "Hearing loop"
    assert registration.registered_by == member
    assert registration.confirmed_at is not None


def test_registering_twice_is_refused_with_a_clear_message(exchange, member):
    registration_create(exchange=exchange, person=member)
    with pytest.raises(RegistrationError, match="already registered") as refused:
        registration_create(exchange=exchange, person=member)
    assert refused.value.code == "already"
    assert Registration.objects.filter(person=member).count() == 1


def test_the_database_keeps_one_active_registration_per_person(exchange, member):
    Registration.objects.create(exchange=exchange, person=member, status=CONFIRMED)
    with pytest.raises(IntegrityError):
        Registration.objects.create(exchange=exchange, person=member, status=WAITING)


def test_a_cancelled_registration_does_not_block_registering_again(exchange, member):
    first = registration_create(exchange=exchange, person=member)
    registration_cancel(registration=first, by=member)
    again = registration_create(exchange=exchange, person=member)
    assert again.pk != first.pk and again.status == CONFIRMED


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"is_cancelled": True}, "has been cancelled"),
        ({"registration_opens_at_days": 3}, "Registration opens on"),
        ({"registration_closes_at_days": -1}, "Registration closed on"),
    ],
)
def test_outside_the_window_or_cancelled_gets_a_clear_message(
    exchange_index, member, changes, message
):
    now = timezone.now()
    fields = {"is_cancelled": changes.get("is_cancelled", False)}
    if "registration_opens_at_days" in changes:
        fields["registration_opens_at"] = now + timedelta(
            days=changes["registration_opens_at_days"]
        )
    if "registration_closes_at_days" in changes:
        fields["registration_opens_at"] = now - timedelta(days=10)
        fields["registration_closes_at"] = now + timedelta(
            days=changes["registration_closes_at_days"]
        )
    exchange = ExchangePageFactory(parent=exchange_index, **fields)
    with pytest.raises(RegistrationError, match=message) as refused:
        registration_create(exchange=exchange, person=member)
    assert refused.value.code == "window"
    assert not Registration.objects.exists()


def test_an_exchange_that_has_started_is_closed(exchange_index, member):
    now = timezone.now()
    exchange = ExchangePageFactory(
        parent=exchange_index,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=3),
        registration_closes_at=None,
    )
    with pytest.raises(RegistrationError, match="already started"):
        registration_create(exchange=exchange, person=member)


def test_pending_and_unattached_people_cannot_register(exchange, pending):
    with pytest.raises(RegistrationError, match="Only approved members") as refused:
        registration_create(exchange=exchange, person=pending)
    assert refused.value.code == "not_member"
    with pytest.raises(RegistrationError, match="Only approved members"):
        registration_create(exchange=exchange, person=UserFactory())


def test_council_admin_registers_a_colleague_but_not_someone_elsewhere(
    exchange, council_admin, member, outsider, pending
):
    registration = registration_create(
        exchange=exchange, person=member, registered_by=council_admin
    )
    assert registration.registered_by == council_admin and registration.status == CONFIRMED
    for person in (outsider, pending):
        with pytest.raises(RegistrationError, match="only approved colleagues"):
            registration_create(exchange=exchange, person=person, registered_by=council_admin)


def test_a_plain_member_cannot_register_a_colleague(exchange, council, make_member):
    one, two = make_member(council), make_member(council)
    with pytest.raises(RegistrationError, match="only approved colleagues"):
        registration_create(exchange=exchange, person=two, registered_by=one)


def test_full_exchange_puts_people_on_the_waiting_list_in_order(
    exchange_index, council, make_member
):
    exchange = ExchangePageFactory(parent=exchange_index, capacity=2)
    people = [make_member(council) for _ in range(5)]
    registrations = [registration_create(exchange=exchange, person=p) for p in people]
    assert [r.status for r in registrations] == [CONFIRMED, CONFIRMED, WAITING, WAITING, WAITING]
    assert [waiting_position(registration=r) for r in registrations[2:]] == [1, 2, 3]
    assert exchange_status(exchange=exchange) == ExchangeStatus.FULL


def test_cancelling_a_seat_promotes_the_first_waiting(exchange_index, council, make_member):
    exchange = ExchangePageFactory(parent=exchange_index, capacity=2)
    people = [make_member(council) for _ in range(4)]
    first, _, third, fourth = [registration_create(exchange=exchange, person=p) for p in people]
    result = registration_cancel(registration=first, by=people[0])
    assert result.registration.status == CANCELLED
    assert [r.pk for r in result.promoted] == [third.pk]
    third.refresh_from_db()
    fourth.refresh_from_db()
    assert (third.status, fourth.status) == (CONFIRMED, WAITING)
    assert waiting_position(registration=fourth) == 1


def test_leaving_the_waiting_list_promotes_nobody(exchange_index, council, make_member):
    exchange = ExchangePageFactory(parent=exchange_index, capacity=1)
    people = [make_member(council) for _ in range(3)]
    _, second, third = [registration_create(exchange=exchange, person=p) for p in people]
    result = registration_cancel(registration=second, by=people[1])
    assert result.promoted == []
    third.refresh_from_db()
    assert third.status == WAITING


def test_seats_per_council_send_extra_people_to_the_waiting_list(
    exchange_index, council, other_council, make_member
):
    exchange = ExchangePageFactory(parent=exchange_index, capacity=10, seats_per_council=2)
    ours = [registration_create(exchange=exchange, person=make_member(council)) for _ in range(3)]
    theirs = registration_create(exchange=exchange, person=make_member(other_council))
    assert [r.status for r in ours] == [CONFIRMED, CONFIRMED, WAITING]
    assert theirs.status == CONFIRMED


def test_promotion_skips_people_whose_council_is_full(
    exchange_index, council, other_council, make_member
):
    exchange = ExchangePageFactory(parent=exchange_index, capacity=3, seats_per_council=2)
    a1, a2 = (registration_create(exchange=exchange, person=make_member(council)) for _ in "ab")
    b1 = registration_create(exchange=exchange, person=make_member(other_council))
    a3 = registration_create(exchange=exchange, person=make_member(council))  # waits: full
    b2 = registration_create(exchange=exchange, person=make_member(other_council))  # waits
    assert (a3.status, b2.status) == (WAITING, WAITING)
    # Fife's seat comes free: the first waiting (from Clackmannanshire) cannot take it.
    result = registration_cancel(registration=b1, by=b1.person)
    assert [r.pk for r in result.promoted] == [b2.pk]
    a3.refresh_from_db()
    assert a3.status == WAITING
    # Now a Clackmannanshire seat comes free and a3 moves up.
    result = registration_cancel(registration=a1, by=a1.person)
    assert [r.pk for r in result.promoted] == [a3.pk]
    assert a2.status == CONFIRMED


def test_raising_the_capacity_then_filling_serves_the_queue_first(
    exchange_index, council, make_member
):
    exchange = ExchangePageFactory(parent=exchange_index, capacity=1)
    people = [make_member(council) for _ in range(3)]
    _, second, third = [registration_create(exchange=exchange, person=p) for p in people]
    exchange.capacity = 2
    exchange.save_revision().publish()
    # Before the seats are offered, a newcomer does not jump the queue.
    newcomer = registration_create(exchange=exchange, person=make_member(council))
    assert newcomer.status == WAITING
    promoted = waiting_list_promote(exchange=exchange)
    assert [r.pk for r in promoted] == [second.pk]
    third.refresh_from_db()
    assert third.status == WAITING


def test_cancel_up_to_the_start_only_for_members_but_editors_any_time(
    exchange_index, member, editor
):
    now = timezone.now()
    exchange = ExchangePageFactory(
        parent=exchange_index, starts_at=now + timedelta(hours=1), registration_closes_at=None
    )
    registration = registration_create(exchange=exchange, person=member)
    later = now + timedelta(hours=2)
    with pytest.raises(RegistrationError, match="has started") as refused:
        registration_cancel(registration=registration, by=member, now=later)
    assert refused.value.code == "window"
    registration_cancel(registration=registration, by=editor, now=later)
    registration.refresh_from_db()
    assert registration.status == CANCELLED
    with pytest.raises(RegistrationError, match="already cancelled"):
        registration_cancel(registration=registration, by=editor)


def test_who_may_cancel(exchange, member, council_admin, outsider, editor, make_member, council):
    registration = registration_create(exchange=exchange, person=member)
    colleague = make_member(council)
    for person in (outsider, colleague):
        with pytest.raises(RegistrationError, match="cannot cancel"):
            registration_cancel(registration=registration, by=person)
    registration_cancel(registration=registration, by=council_admin)
    registration.refresh_from_db()
    assert registration.cancelled_by == council_admin


def test_editor_promotes_by_hand_within_capacity_only(
    exchange_index, council, make_member, editor, member
):
    exchange = ExchangePageFactory(parent=exchange_index, capacity=2, seats_per_council=1)
    first = registration_create(exchange=exchange, person=make_member(council))
    second = registration_create(exchange=exchange, person=make_member(council))
    third = registration_create(exchange=exchange, person=make_member(council))
    assert (second.status, third.status) == (WAITING, WAITING)
    with pytest.raises(RegistrationError, match="Only editors"):
        registration_promote(registration=third, by=member)
    # Seats per council may be overridden by an editor's judgement ...
    assert registration_promote(registration=third, by=editor).status == CONFIRMED
    # ... the capacity may not.
    with pytest.raises(RegistrationError, match="All 2 seats are taken"):
        registration_promote(registration=second, by=editor)
    with pytest.raises(RegistrationError, match="not on the waiting list"):
        registration_promote(registration=first, by=editor)


def test_check_in_is_for_editors_and_confirmed_places(exchange_index, council, make_member, editor):
    exchange = ExchangePageFactory(parent=exchange_index, capacity=1)
    confirmed = registration_create(exchange=exchange, person=make_member(council))
    waiting = registration_create(exchange=exchange, person=make_member(council))
    with pytest.raises(RegistrationError, match="Only editors"):
        registration_check_in(registration=confirmed, by=confirmed.person, attended=True)
    assert registration_check_in(registration=confirmed, by=editor, attended=True).attended_at
    assert (
        registration_check_in(registration=confirmed, by=editor, attended=False).attended_at is None
    )
    with pytest.raises(RegistrationError, match="does not hold a confirmed place"):
        registration_check_in(registration=waiting, by=editor, attended=True)


def test_an_approved_guest_without_a_council_counts_only_against_capacity(exchange_index):
    from club.models import GuestApplication

    guest = UserFactory()
    GuestApplication.objects.create(
        person=guest, organisation="A housing association", status=GuestApplication.Status.APPROVED
    )
    exchange = ExchangePageFactory(parent=exchange_index, capacity=5, seats_per_council=1)
    registration = registration_create(exchange=exchange, person=guest)
    assert registration.status == CONFIRMED
    assert registration.council is None and registration.role == Role.GUEST
