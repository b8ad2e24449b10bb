"""My account: details, preferences, download my data, delete my account."""

import json

import pytest
from allauth.account.models import EmailAddress
from django.dispatch import receiver
from django.urls import reverse

from club.factories import DEFAULT_PASSWORD, MembershipFactory, UserFactory
from club.models import CommunicationPreferences, Invitation, Membership, User
from club.services import invitation_create
from club.signals import person_data_exporting, person_erasing

pytestmark = pytest.mark.django_db


def test_account_page_shows_my_council_and_role(client, member):
    client.force_login(member)
    page = client.get(reverse("club:account"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Clackmannanshire Council: Officer (approved)" in text
    assert member.email in text
    assert reverse("events:mine") in text  # my Exchange registrations


def test_account_pages_need_sign_in(client):
    for name in ("club:account", "club:account_export", "club:account_delete"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert reverse("account_login") in response.url


def test_details_are_saved(client, member):
    client.force_login(member)
    response = client.post(
        reverse("club:account_details"),
        {"first_name": " Fiona ", "last_name": "Ure", "job_title": "Council leader"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.first_name, member.job_title) == ("Fiona", "Council leader")


def test_bad_details_are_explained_and_nothing_changes(client, member):
    client.force_login(member)
    before = (member.first_name, member.last_name, member.job_title)
    response = client.post(
        reverse("club:account_details"),
        {"first_name": "", "last_name": "L" * 151, "job_title": "Typed and kept"},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Enter your first name." in text
    assert "Your last name must be 150 characters or fewer." in text
    assert 'value="Typed and kept"' in text
    member.refresh_from_db()
    assert (member.first_name, member.last_name, member.job_title) == before


def test_preferences_are_saved(client, member):
    client.force_login(member)
    client.post(
        reverse("club:account_preferences"),
        {"receive_invitations": "on", "show_in_directory": "on"},
    )
    preferences = CommunicationPreferences.objects.get(person=member)
    assert preferences.receive_invitations
    assert preferences.show_in_directory
    assert not preferences.receive_reminders
    assert not preferences.receive_case_study_digest


def test_data_export_holds_my_data_and_nobody_elses(
    client, council, other_council, other_admin, council_admin, member
):
    colleague = UserFactory(first_name="Colleague", last_name="Secretname", job_title="Spy")
    MembershipFactory(person=colleague, council=council)
    Membership.objects.filter(person=member).update(is_council_admin=True)
    invitation_create(council=council, email="invitee@clacks.gov.uk", role="officer", by=member)
    # One received, from another council's admin.
    invitation_create(council=other_council, email=member.email, role="director", by=other_admin)

    client.force_login(member)
    response = client.get(reverse("club:account_export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)

    assert data["person"]["email"] == member.email
    assert data["person"]["first_name"] == member.first_name
    assert data["memberships"][0]["council"] == "Clackmannanshire Council"
    assert data["communication_preferences"]["show_in_directory"] is False
    assert data["email_addresses"] == [{"email": member.email, "verified": True, "primary": True}]
    assert len(data["invitations_received"]) == 1
    assert len(data["invitations_sent"]) == 1

    raw = response.content.decode()
    for someone_elses in (
        colleague.email,
        "Secretname",
        council_admin.email,
        other_admin.email,
        "invitee@clacks.gov.uk",
    ):
        assert someone_elses not in raw


def test_other_apps_add_their_part_to_the_export(client, member):
    @receiver(person_data_exporting, weak=False)
    def registrations(sender, *, person, **kwargs):
        return ("registrations", [{"exchange": "Driving Accelerated Transformation"}])

    try:
        client.force_login(member)
        data = json.loads(client.get(reverse("club:account_export")).content)
    finally:
        person_data_exporting.disconnect(registrations)
    assert data["registrations"] == [{"exchange": "Driving Accelerated Transformation"}]


def test_deleting_my_account_anonymises_it(
    client, council, council_admin, other_council, other_admin, member, members_group
):
    invitation_create(council=other_council, email=member.email, role="director", by=other_admin)
    decided = MembershipFactory(council=council, status=Membership.Status.DECLINED)
    decided.decided_by = member
    decided.save()
    seen = []

    @receiver(person_erasing, weak=False)
    def registrations(sender, *, person, **kwargs):
        seen.append((person.pk, person.email))

    client.force_login(member)
    try:
        response = client.post(
            reverse("club:account_delete"), {"confirm": "on", "password": DEFAULT_PASSWORD}
        )
    finally:
        person_erasing.disconnect(registrations)
    assert response.status_code == 302
    assert seen == [(member.pk, "member@clacks.gov.uk")]

    person = User.objects.get(pk=member.pk)
    assert person.email.endswith("@erased.invalid")
    assert (person.first_name, person.last_name, person.job_title) == ("", "", "")
    assert not person.is_active
    assert not person.has_usable_password()
    assert not Membership.objects.filter(person=person).exists()
    assert not EmailAddress.objects.filter(user=person).exists()
    assert not CommunicationPreferences.objects.filter(person=person).exists()
    assert not Invitation.objects.filter(email="member@clacks.gov.uk").exists()
    assert not person.groups.exists()
    assert not User.objects.filter(email="member@clacks.gov.uk").exists()

    # Nothing of anyone else's is lost: the admin, and the decision the person once took.
    assert User.objects.filter(pk=council_admin.pk, is_active=True).exists()
    decided.refresh_from_db()
    assert decided.decided_by_id == person.pk
    # Signed out, and the old password no longer works.
    assert "_auth_user_id" not in client.session
    assert not client.login(email="member@clacks.gov.uk", password=DEFAULT_PASSWORD)


def test_deletion_needs_confirmation_and_the_password(client, member):
    client.force_login(member)
    response = client.post(reverse("club:account_delete"), {"password": "wrong-password"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Tick the box to confirm" in text
    assert "That is not your password." in text
    member.refresh_from_db()
    assert member.is_active
    assert member.email == "member@clacks.gov.uk"


def test_asking_to_join_on_the_councils_domain_goes_to_its_admins(client, council):
    person = UserFactory(email="returner@clacks.gov.uk")
    client.force_login(person)
    response = client.post(reverse("club:account_join"), {"council": council.pk, "role": "officer"})
    assert response.status_code == 302
    membership = Membership.objects.get(person=person)
    assert (membership.status, membership.source) == (
        Membership.Status.PENDING,
        Membership.Source.DOMAIN,
    )


def test_asking_to_join_from_another_domain_goes_to_editors(client, council):
    person = UserFactory(email="someone@gmail.example")
    client.force_login(person)
    client.post(reverse("club:account_join"), {"council": council.pk, "role": "councillor"})
    assert Membership.objects.get(person=person).source == Membership.Source.REQUEST


def test_asking_twice_or_with_tampered_ids_is_explained(client, member, council):
    client.force_login(member)
    response = client.post(reverse("club:account_join"), {"council": council.pk, "role": "officer"})
    assert response.status_code == 400
    assert "You are already a member of Clackmannanshire Council." in response.content.decode()
    response = client.post(reverse("club:account_join"), {"council": "424242", "role": "officer"})
    assert "Choose a council from the list." in response.content.decode()
    assert Membership.objects.filter(person=member).count() == 1
