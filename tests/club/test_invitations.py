"""A council admin's invitation: used once, refused when expired or reused; verifies the address."""

import re
from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone

from club.factories import UserFactory
from club.models import Invitation, Membership, Role, User

pytestmark = pytest.mark.django_db

PASSWORD = "another-sturdy-phrase-77"
NEW_PERSON = {
    "first_name": "Ewan",
    "last_name": "Stewart",
    "job_title": "Chief digital officer",
    "password1": PASSWORD,
    "password2": PASSWORD,
}


@pytest.fixture
def invitation_url(client, council, council_admin, mailoutbox, django_capture_on_commit_callbacks):
    client.force_login(council_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("club:council_invite", args=[council.slug]),
            {"email": "Ewan.Stewart@clacks.gov.uk", "role": Role.DIRECTOR},
        )
    assert response.status_code == 302
    client.logout()
    assert [m.to for m in mailoutbox] == [["ewan.stewart@clacks.gov.uk"]]
    return re.search(r"https?://[^/\s]+(/club/invitations/\S+/)", mailoutbox[0].body).group(1)


def test_accepting_creates_a_verified_approved_member_who_can_sign_in(
    client, invitation_url, council, members_group
):
    response = client.post(invitation_url, NEW_PERSON)
    assert response.status_code == 302
    person = User.objects.get(email="ewan.stewart@clacks.gov.uk")
    assert person.job_title == "Chief digital officer"
    assert EmailAddress.objects.get(user=person).verified
    membership = Membership.objects.get(person=person)
    assert (membership.council, membership.status, membership.role) == (
        council,
        Membership.Status.APPROVED,
        Role.DIRECTOR,
    )
    assert membership.source == Membership.Source.INVITATION
    assert members_group in person.groups.all()

    response = client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(person.pk)


def test_an_invitation_is_accepted_only_once(client, invitation_url):
    client.post(invitation_url, NEW_PERSON)
    client.logout()
    again = client.post(invitation_url, {**NEW_PERSON, "first_name": "Someone"})
    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    assert User.objects.filter(email="ewan.stewart@clacks.gov.uk").count() == 1
    assert User.objects.get(email="ewan.stewart@clacks.gov.uk").first_name == "Ewan"


def test_an_expired_invitation_is_refused(client, invitation_url):
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        response = client.post(invitation_url, NEW_PERSON)
        assert response.status_code == 410
        assert "expired" in response.content.decode()
        assert client.get(invitation_url).status_code == 410
    assert not User.objects.filter(email="ewan.stewart@clacks.gov.uk").exists()


def test_a_made_up_token_is_refused(client, invitation_url):
    response = client.get(reverse("club:invitation", args=["not-a-real-token"]))
    assert response.status_code == 410
    assert "not valid" in response.content.decode()


def test_bad_input_on_acceptance_is_explained_and_nothing_is_stored(client, invitation_url):
    response = client.post(
        invitation_url, {**NEW_PERSON, "last_name": "s" * 151, "password2": "different-one-11"}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Your last name must be 150 characters or fewer." in text
    assert "The two passwords are not the same." in text
    assert 'value="Ewan"' in text  # what was typed is kept
    assert not User.objects.filter(email="ewan.stewart@clacks.gov.uk").exists()
    assert Invitation.objects.get().accepted_at is None


def test_a_signed_in_person_accepts_with_their_own_address_only(client, council, council_admin):
    from club.services import invitation_create

    invitation = invitation_create(
        council=council, email="existing@elsewhere.example", role=Role.OFFICER, by=council_admin
    )
    url = reverse("club:invitation", args=[invitation.token])
    someone_else = UserFactory(email="someone@else.example")
    client.force_login(someone_else)
    response = client.post(url)
    assert response.status_code == 400
    assert "not to the account you are signed in with" in response.content.decode()
    assert not Membership.objects.filter(person=someone_else).exists()

    owner = UserFactory(email="existing@elsewhere.example")
    client.force_login(owner)
    assert client.post(url).status_code == 302
    assert Membership.objects.get(person=owner).status == Membership.Status.APPROVED


def test_only_the_councils_admins_may_invite(client, council, other_admin, member):
    for person in (other_admin, member):
        client.force_login(person)
        response = client.post(
            reverse("club:council_invite", args=[council.slug]),
            {"email": "x@clacks.gov.uk", "role": Role.OFFICER},
        )
        assert response.status_code == 403
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "not-an-address", "role": Role.OFFICER}, "Enter an email address like"),
        ({"email": "", "role": Role.OFFICER}, "Enter your colleague&#x27;s email address."),
        ({"email": "a@clacks.gov.uk", "role": "wizard"}, "Choose one of the roles in the list."),
        (
            {"email": "MEMBER@clacks.gov.uk", "role": Role.OFFICER},
            "already belongs to Clackmannanshire Council",
        ),
    ],
)
def test_bad_invitations_are_explained_and_nothing_is_sent(
    client, council, council_admin, member, mailoutbox, data, message
):
    client.force_login(council_admin)
    response = client.post(reverse("club:council_invite", args=[council.slug]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Invitation.objects.exists()
    assert mailoutbox == []
