"""The member directory: approved members only, filters, and the show-me preference."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from club.factories import CouncilFactory, MembershipFactory, UserFactory
from club.models import CommunicationPreferences, Membership, Nation, Role

pytestmark = pytest.mark.django_db

URL = reverse("club:directory")


def _listed(**membership):
    person = UserFactory()
    CommunicationPreferences.objects.filter(person=person).update(show_in_directory=True)
    return MembershipFactory(person=person, **membership)


def test_only_approved_members_may_look(client, pending):
    assert client.get(URL).status_code == 302
    client.force_login(pending.person)
    assert client.get(URL).status_code == 403


def test_people_are_listed_only_when_they_chose_to_be(client, member, council):
    shown = _listed(council=council)
    hidden = MembershipFactory(council=council)  # preference defaults to off
    waiting = _listed(council=council, status=Membership.Status.PENDING)
    client.force_login(member)
    response = client.get(URL)
    # The viewer too is left out: they have not opted in.
    assert [m.person for m in response.context["page"].object_list] == [shown.person]
    # As the page writes it: a name such as O'Connor is escaped in HTML.
    assert escape(shown.person.get_full_name()) in response.content.decode()
    assert hidden.person.email not in response.content.decode()
    assert waiting.person.email not in response.content.decode()
    assert shown.person.email not in response.content.decode()  # addresses are never shown


def test_filters_by_council_role_and_nation(client, member, council):
    welsh = CouncilFactory(nation=Nation.WALES)
    in_wales = _listed(council=welsh, role=Role.CHIEF_EXECUTIVE)
    at_home = _listed(council=council, role=Role.COUNCILLOR)
    client.force_login(member)

    def names(**query):
        return [m.person for m in client.get(URL, query).context["page"].object_list]

    assert names(nation=Nation.WALES) == [in_wales.person]
    assert names(council=council.pk) == [at_home.person]
    assert names(role=Role.CHIEF_EXECUTIVE) == [in_wales.person]
    assert names(role=Role.CHIEF_EXECUTIVE, nation=Nation.ENGLAND) == []


def test_tampered_filters_are_explained(client, member):
    client.force_login(member)
    response = client.get(URL, {"council": "99999", "role": "pharaoh"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "There is a problem" in text
    assert "Select a valid choice" in text


def test_query_count_does_not_grow_with_members(client, member, council):
    client.force_login(member)
    for _ in range(3):
        _listed(council=council)
    client.get(URL)  # warm: the process builds what it keeps of the page tree (the menu)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for _ in range(20):
        _listed(council=CouncilFactory())
    client.get(URL)  # new councils renew the content token: built again
    with CaptureQueriesContext(connection) as many:
        client.get(URL)
    assert len(many) == len(few)
    assert len(many) <= 15
