"""The Members group follows approved memberships and guests, whichever service changes them."""

import pytest

from club.factories import MembershipFactory, UserFactory
from club.models import GuestApplication, Membership
from club.services import (
    guest_apply,
    guest_decide,
    membership_approve,
    membership_decline,
    membership_request,
    person_erase,
)

pytestmark = pytest.mark.django_db


def _in_group(person, members_group) -> bool:
    return person.groups.filter(pk=members_group.pk).exists()


def test_request_approve_and_erase_keep_the_group_in_step(council, council_admin, members_group):
    person = UserFactory(email="colleague@clacks.gov.uk")
    membership = membership_request(person=person, council=council, role="officer")
    assert not _in_group(person, members_group)
    membership_approve(membership=membership, by=council_admin)
    assert _in_group(person, members_group)
    person_erase(person=person)
    assert not _in_group(person, members_group)


def test_declined_and_left_people_leave_the_group(council, council_admin, members_group):
    membership = MembershipFactory(council=council, status=Membership.Status.PENDING)
    membership_decline(membership=membership, by=council_admin)
    assert not _in_group(membership.person, members_group)


def test_approved_elsewhere_keeps_the_group_when_one_request_is_declined(
    council, other_council, council_admin, members_group
):
    person = UserFactory()
    MembershipFactory(person=person, council=other_council)
    pending = MembershipFactory(person=person, council=council, status=Membership.Status.PENDING)
    membership_decline(membership=pending, by=council_admin)
    assert _in_group(person, members_group)


def test_approved_guests_are_members(editor, members_group):
    person = UserFactory()
    application = guest_apply(person=person, organisation="A Social Enterprise")
    assert not _in_group(person, members_group)
    guest_decide(application=application, by=editor, approve=True)
    assert _in_group(person, members_group)
    assert GuestApplication.objects.get(person=person).status == GuestApplication.Status.APPROVED


def test_admin_edit_of_a_membership_updates_the_group(client, editor, council, members_group):
    """An editor changing the status in the Wagtail admin goes through the same sync."""
    from wagtail.test.utils.form_data import nested_form_data

    membership = MembershipFactory(council=council, status=Membership.Status.PENDING)
    client.force_login(editor)
    url = f"/admin/snippets/club/membership/edit/{membership.pk}/"
    response = client.post(
        url,
        nested_form_data(
            {
                "person": membership.person.pk,
                "council": council.pk,
                "role": membership.role,
                "status": Membership.Status.APPROVED,
                "is_council_admin": "",
                "source": Membership.Source.EDITOR,
            }
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    membership.refresh_from_db()
    assert membership.status == Membership.Status.APPROVED
    assert _in_group(membership.person, members_group)
