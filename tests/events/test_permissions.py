"""Each kind of person gets the right answer on each action.

People: anonymous, pending (asked to join, not approved), an approved member of another council,
the council's admin (club contact), and an editor at the improvement body.
"""

import pytest
from django.urls import reverse
from django.utils.html import escape

from events.factories import ExchangePageFactory
from events.models import ExchangeFormat, Registration, RegistrationStatus
from events.services import registration_create

pytestmark = pytest.mark.django_db

SECRET = "https://meet.example/only-for-attendees"


@pytest.fixture
def online(exchange_index):
    return ExchangePageFactory(
        parent=exchange_index,
        capacity=10,
        format=ExchangeFormat.HYBRID,
        online_joining_details=SECRET,
    )


@pytest.fixture
def people(pending, outsider, council_admin, editor):
    return {
        "anonymous": None,
        "pending": pending,
        "other council": outsider,
        "council admin": council_admin,
        "editor": editor,
    }


def _as(client, person):
    client.logout()
    if person is not None:
        client.force_login(person)
    return client


def _register(client, exchange, **data):
    return client.post(reverse("events:register", args=[exchange.pk]), {"person": "self", **data})


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("pending", "refused"),
        ("other council", "confirmed"),
        ("council admin", "confirmed"),
        ("editor", "refused"),  # editors run Exchanges; they are not members of a council
    ],
)
def test_registering_oneself(client, online, people, who, expected):
    person = people[who]
    response = _register(_as(client, person), online, access_needs="Step-free access")
    if expected == "login":
        assert response.status_code == 302 and "/accounts/login/" in response.url
        assert not Registration.objects.exists()
    elif expected == "refused":
        assert response.status_code == 400
        body = response.content.decode()
        assert "Registration is for approved members of the club" in body
        assert not Registration.objects.exists()
    else:
        assert response.status_code == 302
        registration = Registration.objects.get(person=person)
        assert registration.status == RegistrationStatus.CONFIRMED
        assert registration.access_needs == "Step-free access"


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("pending", False), ("other council", False), ("council admin", True), ("editor", False)],
)
def test_registering_a_colleague(client, online, people, member, who, allowed):
    response = _as(client, people[who]).post(
        reverse("events:register", args=[online.pk]), {"person": str(member.pk)}
    )
    if allowed:
        assert response.status_code == 302
        registration = Registration.objects.get(person=member)
        assert registration.registered_by == people[who]
    else:
        assert response.status_code == 400
        assert not Registration.objects.filter(person=member).exists()


def test_a_refused_form_keeps_what_was_typed(client, online, member):
    registration_create(exchange=online, person=member)
    response = _register(
        _as(client, member), online, access_needs="Hearing loop", dietary_needs="No nuts"
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "You are already registered for this Exchange." in body
    assert "Hearing loop" in body and "No nuts" in body
    assert 'class="error-summary"' in body


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("anonymous", False),
        ("pending", False),
        ("other council", False),
        ("council admin", False),
        ("editor", True),
    ],
)
def test_joining_details_only_for_confirmed_attendees_and_editors(
    client, online, people, member, who, sees
):
    registration_create(exchange=online, person=member)
    body = _as(client, people[who]).get(online.url).content.decode()
    assert (SECRET in body) is sees
    assert SECRET in _as(client, member).get(online.url).content.decode()


def test_waiting_list_does_not_see_joining_details(client, exchange_index, council, make_member):
    exchange = ExchangePageFactory(
        parent=exchange_index, capacity=1, format="online", online_joining_details=SECRET
    )
    registration_create(exchange=exchange, person=make_member(council))
    waiting = make_member(council)
    registration_create(exchange=exchange, person=waiting)
    body = _as(client, waiting).get(exchange.url).content.decode()
    assert SECRET not in body
    assert "number 1 on the waiting list" in body


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", "login"),
        ("pending", 403),
        ("other council", 403),
        ("council admin", 302),
        ("editor", 302),
    ],
)
def test_cancelling_a_members_place(client, online, people, member, who, status):
    registration = registration_create(exchange=online, person=member)
    response = _as(client, people[who]).post(reverse("events:cancel", args=[registration.pk]))
    registration.refresh_from_db()
    if status == "login":
        assert response.status_code == 302 and "/accounts/login/" in response.url
    else:
        assert response.status_code == status
    cancelled = registration.status == RegistrationStatus.CANCELLED
    assert cancelled is (status == 302)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", "login"),
        ("pending", 403),
        ("other council", 403),
        ("council admin", 200),
        ("editor", 403),
    ],
)
def test_council_view(client, online, people, member, who, status):
    registration_create(exchange=online, person=member)
    response = _as(client, people[who]).get(reverse("events:council"))
    if status == "login":
        assert response.status_code == 302 and "/accounts/login/" in response.url
        return
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert escape(str(member)) in body
        assert "9 of 10 places left overall" in body


@pytest.mark.parametrize("who", ["anonymous", "pending", "other council", "council admin"])
@pytest.mark.parametrize("view", ["attendees", "csv", "check_in"])
def test_admin_tools_are_for_editors_only(client, online, people, who, view):
    response = _as(client, people[who]).get(reverse(f"events_admin:{view}", args=[online.pk]))
    # Wagtail sends people without admin access to the login page.
    assert response.status_code == 302
    assert "login" in response.url


@pytest.mark.parametrize("view", ["attendees", "csv", "check_in"])
def test_admin_tools_open_for_editors(client, online, editor, view):
    response = _as(client, editor).get(reverse(f"events_admin:{view}", args=[online.pk]))
    assert response.status_code == 200


def test_check_in_by_anyone_but_an_editor_changes_nothing(client, online, member, council_admin):
    registration = registration_create(exchange=online, person=member)
    url = reverse("events_admin:check_in_toggle", args=[registration.pk])
    for person in (None, member, council_admin):
        _as(client, person).post(url, {"attended": "yes"})
    registration.refresh_from_db()
    assert registration.attended_at is None


def test_my_exchanges_and_feed_need_a_login(client, member):
    assert _as(client, None).get(reverse("events:mine")).status_code == 302
    client.force_login(member)
    assert client.get(reverse("events:mine")).status_code == 200
    response = client.post(reverse("events:feed_manage"), {"action": "renew"})
    assert response.status_code == 302
    body = client.get(reverse("events:mine")).content.decode()
    assert member.calendar_feed.token in body


def test_members_only_exchange_hides_its_calendar_from_outsiders(client, online, member):
    from django.contrib.auth.models import Group
    from wagtail.models import PageViewRestriction

    members = Group.objects.get_or_create(name="Members only test")[0]
    member.groups.add(members)
    restriction = PageViewRestriction.objects.create(
        page=online, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(members)
    url = reverse("events:exchange_ics", args=[online.pk])
    assert _as(client, None).get(url).status_code == 404
    assert _as(client, member).get(url).status_code == 200
