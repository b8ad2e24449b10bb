"""Sign-up through allauth: verification, matching the council by email domain, and bad input."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from club.models import CommunicationPreferences, GuestApplication, Membership, Role, User
from messaging.models import OutboxMessage

pytestmark = pytest.mark.django_db

PASSWORD = "a-sturdy-pass-phrase-91"


def _signup(client, **overrides):
    data = {
        "email": "isla.brown@clacks.gov.uk",
        "first_name": "Isla",
        "last_name": "Brown",
        "job_title": "Service manager",
        "role": Role.OFFICER,
        "council": "",
        "organisation": "",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return client.post(reverse("account_signup"), data)


def _stored():
    return (
        User.objects.count(),
        Membership.objects.count(),
        GuestApplication.objects.count(),
        EmailAddress.objects.count(),
    )


def test_signup_then_verification_email_then_verified_login(
    client, council, mailoutbox, django_capture_on_commit_callbacks
):
    # allauth's email is an outbox row, delivered once the sign-up's transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = _signup(client)
    assert response.status_code == 302
    person = User.objects.get(email="isla.brown@clacks.gov.uk")
    assert (person.first_name, person.last_name, person.job_title) == (
        "Isla",
        "Brown",
        "Service manager",
    )
    assert not EmailAddress.objects.get(user=person).verified

    sent = OutboxMessage.objects.get(to_email=person.email)
    assert (sent.kind, sent.person, sent.status) == ("account", person, "sent")

    # Not verified yet: signing in only sends the verification again.
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session

    confirm = [m for m in mailoutbox if m.to == [person.email]][0]
    url = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", confirm.body).group(1)
    response = client.post(url)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=person).verified

    client.logout()
    response = client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(person.pk)
    assert client.get(reverse("club:account")).status_code == 200


def test_domain_match_makes_a_pending_membership_with_the_chosen_role(client, council):
    _signup(client, role=Role.COUNCILLOR)
    membership = Membership.objects.get(person__email="isla.brown@clacks.gov.uk")
    assert membership.council == council
    assert membership.status == Membership.Status.PENDING
    assert membership.role == Role.COUNCILLOR
    assert membership.source == Membership.Source.DOMAIN
    assert CommunicationPreferences.objects.filter(person=membership.person).exists()


def test_domain_is_matched_without_regard_to_case(client, council):
    _signup(client, email="Isla.Brown@CLACKS.gov.uk")
    assert Membership.objects.get(person__email="isla.brown@clacks.gov.uk").council == council


def test_unknown_domain_may_name_a_council_for_editors_to_decide(client, council):
    _signup(client, email="isla@gmail.example", council=council.pk)
    membership = Membership.objects.get(person__email="isla@gmail.example")
    assert membership.status == Membership.Status.PENDING
    assert membership.source == Membership.Source.REQUEST


def test_unknown_domain_may_ask_to_be_a_guest(client, council):
    _signup(client, email="ceo@bigcompany.example", role=Role.GUEST, organisation="Big Company")
    application = GuestApplication.objects.get(person__email="ceo@bigcompany.example")
    assert application.status == GuestApplication.Status.PENDING
    assert application.organisation == "Big Company"
    assert not Membership.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"email": "isla@unknown.example"},
            "council",
            "We do not recognise unknown.example as a member council",
        ),
        ({"first_name": "x" * 151}, "first_name", "Your first name must be 150 characters"),
        ({"last_name": "y" * 151}, "last_name", "Your last name must be 150 characters"),
        ({"job_title": "z" * 151}, "job_title", "Your job title must be 150 characters"),
        ({"first_name": ""}, "first_name", "Enter your first name."),
        ({"role": "emperor"}, "role", "Choose one of the roles in the list."),
        ({"council": "999999"}, "council", "Choose a council from the list."),
        (
            {"email": "isla@nowhere.example", "role": Role.GUEST},
            "organisation",
            "Enter the organisation you work for",
        ),
    ],
)
def test_bad_input_is_explained_and_nothing_is_stored(client, council, overrides, field, message):
    before = _stored()
    response = _signup(client, **overrides)
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors[field]), form.errors
    assert message in response.content.decode().replace("&#x27;", "'")
    assert _stored() == before
    # What was typed is still there, the refused value included.
    typed_last_name = overrides.get("last_name", "Brown")
    assert f'value="{typed_last_name}"' in response.content.decode()


def test_a_council_the_domain_does_not_belong_to_is_refused(client, council, other_council):
    before = _stored()
    response = _signup(client, council=other_council.pk)
    errors = " ".join(response.context["form"].errors["council"])
    assert "belongs to Clackmannanshire Council" in errors
    assert _stored() == before


def test_duplicate_email_creates_nothing_and_tells_the_owner_by_email(
    client, member, mailoutbox, django_capture_on_commit_callbacks
):
    """Enumeration prevention: the page looks like any sign-up; the owner is told by email."""
    before = _stored()
    original_name = member.first_name
    with django_capture_on_commit_callbacks(execute=True):
        response = _signup(client, email=member.email.upper(), first_name="Impostor")
    assert response.status_code == 302
    assert _stored() == before
    member.refresh_from_db()
    assert member.first_name == original_name
    assert not Membership.objects.filter(person=member).exclude(status="approved").exists()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [member.email]
    assert "already" in mailoutbox[0].body.lower()


def test_sign_in_and_sign_up_speak_in_sentence_case(client, home_page):
    """allauth's title-case words are replaced by the club's own (locale/en_GB)."""
    sign_in = client.get(reverse("account_login")).content.decode()
    assert "Sign in" in sign_in and "Remember me" in sign_in
    assert "Sign In" not in sign_in and "Remember Me" not in sign_in
    sign_up = client.get(reverse("account_signup")).content.decode()
    assert "Sign Up" not in sign_up and "Signup" not in sign_up
