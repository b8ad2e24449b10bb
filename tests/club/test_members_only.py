"""Members-only pages: Wagtail page privacy for the Members group."""

import pytest
from wagtail.models import PageViewRestriction

from club.models import Membership
from club.services import members_group_sync
from home.factories import ContentPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def members_page(home_page, members_group):
    page = ContentPageFactory(parent=home_page, title="Notes for members", slug="members-notes")
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([members_group])
    return page


def test_anonymous_people_get_the_login_prompt(client, members_page):
    response = client.get(members_page.url)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_pending_people_are_refused_with_a_reason(client, members_page, pending):
    client.force_login(pending.person)
    response = client.get(members_page.url)
    assert response.status_code == 403
    assert "waiting for a decision" in response.content.decode()
    assert "Notes for members" not in response.content.decode()


def test_approved_members_see_the_page(client, members_page, member):
    client.force_login(member)
    response = client.get(members_page.url)
    assert response.status_code == 200
    assert "Notes for members" in response.content.decode()


def test_a_member_who_leaves_loses_access(client, members_page, member):
    Membership.objects.filter(person=member).update(status=Membership.Status.LEFT)
    members_group_sync(person=member)
    client.force_login(member)
    assert client.get(members_page.url).status_code == 403


def test_a_newly_approved_person_gets_access(client, members_page, pending, council_admin):
    from club.services import membership_approve

    membership_approve(membership=pending, by=council_admin)
    client.force_login(pending.person)
    assert client.get(members_page.url).status_code == 200


def test_shared_passwords_are_not_offered(settings):
    assert settings.WAGTAIL_PRIVATE_PAGE_OPTIONS == {"SHARED_PASSWORD": False}


def test_unrestricted_pages_stay_public(client, home_page, pending):
    client.force_login(pending.person)
    assert client.get(home_page.url).status_code == 200
