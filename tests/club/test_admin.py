"""Editors manage councils and memberships in the Wagtail admin; nobody else gets in."""

import pytest
from django.utils.html import escape
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from club.factories import UserFactory
from club.models import Council, CouncilEmailDomain

pytestmark = pytest.mark.django_db


def _council_form(name: str, domain: str) -> dict:
    return nested_form_data(
        {
            "name": name,
            "slug": name.lower().replace(" ", "-"),
            "membership_status": "member",
            "nation": "wales",
            "council_type": "welsh-principal",
            "region": "North Wales",
            "website": "",
            "email_domains": inline_formset([{"domain": domain}]),
        }
    )


def test_editor_creates_a_council_with_its_email_domain(client, editor):
    client.force_login(editor)
    response = client.post(
        "/admin/snippets/club/council/add/", _council_form("Conwy", "Conwy.gov.uk")
    )
    assert response.status_code == 302
    council = Council.objects.get(name="Conwy")
    assert list(council.email_domains.values_list("domain", flat=True)) == ["conwy.gov.uk"]


def test_a_domain_already_used_is_refused_with_a_message(client, editor, council):
    client.force_login(editor)
    response = client.post(
        "/admin/snippets/club/council/add/", _council_form("Copycat", "Clacks.GOV.uk")
    )
    assert response.status_code == 200
    assert not Council.objects.filter(name="Copycat").exists()
    assert CouncilEmailDomain.objects.filter(domain="clacks.gov.uk").count() == 1


def test_editor_lists_memberships(client, editor, pending):
    client.force_login(editor)
    response = client.get("/admin/snippets/club/membership/")
    assert response.status_code == 200
    # The listing shows the person's name as HTML writes it: O'Neill becomes O&#x27;Neill.
    assert escape(str(pending.person)) in response.content.decode()


def test_council_admins_and_members_cannot_use_the_admin(client, council_admin, member):
    for person in (council_admin, member):
        client.force_login(person)
        response = client.get("/admin/snippets/club/membership/")
        assert response.status_code == 302


def test_editor_sees_guests_and_invitations(client, editor, council, council_admin):
    from club.services import guest_apply, invitation_create

    guest_apply(person=UserFactory(email="guest@partner.example"), organisation="Partner Ltd")
    invitation_create(
        council=council, email="invited@clacks.gov.uk", role="officer", by=council_admin
    )
    client.force_login(editor)
    guests = client.get("/admin/snippets/club/guestapplication/")
    assert guests.status_code == 200
    assert "Partner Ltd" in guests.content.decode()
    invitations = client.get("/admin/snippets/club/invitation/")
    assert invitations.status_code == 200
    assert "invited@clacks.gov.uk" in invitations.content.decode()
