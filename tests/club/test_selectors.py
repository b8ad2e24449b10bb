"""The selectors other apps build on: who belongs where, and who may act for which council."""

import pytest
from django.contrib.auth.models import AnonymousUser

from club.factories import CouncilFactory, MembershipFactory, UserFactory
from club.models import CommunicationPreferences, Membership
from club.selectors import (
    council_members,
    person_admin_councils,
    person_approved_councils,
    person_is_approved_member,
)
from club.services import preferences_for

pytestmark = pytest.mark.django_db


def test_every_new_person_has_preferences_with_the_defaults():
    person = UserFactory()
    preferences = CommunicationPreferences.objects.get(person=person)
    assert preferences.receive_invitations
    assert preferences.receive_reminders
    assert preferences.receive_follow_ups
    assert preferences.receive_case_study_digest
    assert not preferences.show_in_directory
    assert preferences_for(person=person) == preferences
    assert CommunicationPreferences.objects.filter(person=person).count() == 1


def test_preferences_for_creates_them_when_missing():
    person = UserFactory()
    CommunicationPreferences.objects.filter(person=person).delete()
    assert preferences_for(person=person).show_in_directory is False
    assert CommunicationPreferences.objects.filter(person=person).count() == 1


def test_approved_councils_and_membership_check_ignore_other_statuses():
    person = UserFactory()
    approved, pending, declined, left = CouncilFactory.create_batch(4)
    MembershipFactory(person=person, council=approved)
    MembershipFactory(person=person, council=pending, status=Membership.Status.PENDING)
    MembershipFactory(person=person, council=declined, status=Membership.Status.DECLINED)
    MembershipFactory(person=person, council=left, status=Membership.Status.LEFT)
    MembershipFactory(council=pending)  # someone else, approved elsewhere

    assert list(person_approved_councils(person=person)) == [approved]
    assert person_is_approved_member(person=person)


def test_pending_and_anonymous_people_are_not_members():
    pending = MembershipFactory(status=Membership.Status.PENDING).person
    assert not person_is_approved_member(person=pending)
    assert not person_is_approved_member(person=AnonymousUser())
    assert not person_approved_councils(person=AnonymousUser()).exists()
    assert not person_admin_councils(person=AnonymousUser()).exists()


def test_admin_councils_need_an_approved_admin_membership():
    person = UserFactory()
    admin_of, member_of, pending_admin = CouncilFactory.create_batch(3)
    MembershipFactory(person=person, council=admin_of, is_council_admin=True)
    MembershipFactory(person=person, council=member_of)
    MembershipFactory(
        person=person,
        council=pending_admin,
        is_council_admin=True,
        status=Membership.Status.PENDING,
    )
    assert list(person_admin_councils(person=person)) == [admin_of]


def test_council_members_lists_only_that_council_by_status():
    council, other = CouncilFactory.create_batch(2)
    approved = MembershipFactory(council=council)
    pending = MembershipFactory(council=council, status=Membership.Status.PENDING)
    MembershipFactory(council=other)

    assert list(council_members(council=council)) == [approved]
    assert list(council_members(council=council, status=Membership.Status.PENDING)) == [pending]
    assert set(council_members(council=council, status="all")) == {approved, pending}
